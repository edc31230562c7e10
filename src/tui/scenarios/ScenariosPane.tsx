/** The Scenarios pane: the project's scenario files. Replaying them with a key comes with `alsx test`. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { Project } from '../../project/load.js';
import type { PaneProps } from '../pane.js';

export function ScenariosPane({ width, height, project }: PaneProps & { project: Project }) {
  const files = useMemo(() => {
    const dir = join(project.dir, 'scenarios');
    return existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  }, [project.dir]);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>Scenarios of {project.name}</Text>
      {files.length === 0 ? <Text dimColor>none yet: scenarios are YAML files in {join('projects', project.name, 'scenarios')}/</Text> : files.slice(0, height - 3).map((f) => <Text key={f}>  {f}</Text>)}
      <Text dimColor>Recording and replaying scenarios here, and `alsx test`, are on their way.</Text>
    </Box>
  );
}
