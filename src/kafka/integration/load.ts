/** A project's Kafka integration module (integration/index.ts), and the names derived from it. */
import { projectModule, type Project } from '../../project/load.js';
import { isIntegration, type Consumer, type Integration } from './declare.js';

export async function loadIntegration(project: Project): Promise<Integration> {
  return (
    (await projectModule(
      project,
      project.config.integration ?? 'integration/index.ts',
      isIntegration,
      'integration({ consumers: […], services: […] })',
    )) ?? {}
  );
}

/** a consumer's group: as declared, else `<project>.<topic>` */
export const consumerGroup = (project: Project, c: Consumer): string => c.group ?? `${project.name}.${c.topic}`;
