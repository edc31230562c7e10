/**
 * The APIs the embedded broker serves, with the version range it answers for each (a subset of
 * Kafka's validVersions: the versions kafkajs and other common clients negotiate). The specs carry
 * every version Kafka defines, so widening a range is a matter of handling the new fields.
 */
import type { MessageSpec } from '../codec.js';
import * as apiVersions from './apiversions.js';
import * as createPartitions from './createpartitions.js';
import * as createTopics from './createtopics.js';
import * as deleteTopics from './deletetopics.js';
import * as describeConfigs from './describeconfigs.js';
import * as describeGroups from './describegroups.js';
import * as fetch from './fetch.js';
import * as findCoordinator from './findcoordinator.js';
import * as heartbeat from './heartbeat.js';
import * as initProducerId from './initproducerid.js';
import * as joinGroup from './joingroup.js';
import * as leaveGroup from './leavegroup.js';
import * as listGroups from './listgroups.js';
import * as listOffsets from './listoffsets.js';
import * as metadata from './metadata.js';
import * as offsetCommit from './offsetcommit.js';
import * as offsetFetch from './offsetfetch.js';
import * as produce from './produce.js';
import * as saslHandshake from './saslhandshake.js';
import * as syncGroup from './syncgroup.js';

export interface ApiDescription {
  key: number;
  name: string;
  request: MessageSpec;
  response: MessageSpec;
  /** the served range, inclusive */
  minVersion: number;
  maxVersion: number;
}

const api = (
  name: string,
  specs: { request: MessageSpec; response: MessageSpec },
  minVersion: number,
  maxVersion: number,
): ApiDescription => ({
  key: specs.request.apiKey,
  name,
  request: specs.request,
  response: specs.response,
  minVersion,
  maxVersion,
});

export const APIS: ApiDescription[] = [
  api('Produce', produce, 3, 7),
  api('Fetch', fetch, 4, 11),
  api('ListOffsets', listOffsets, 1, 3),
  api('Metadata', metadata, 0, 6),
  api('OffsetCommit', offsetCommit, 2, 5),
  api('OffsetFetch', offsetFetch, 1, 4),
  api('FindCoordinator', findCoordinator, 0, 2),
  api('JoinGroup', joinGroup, 2, 5),
  api('Heartbeat', heartbeat, 1, 3),
  api('LeaveGroup', leaveGroup, 1, 3),
  api('SyncGroup', syncGroup, 1, 3),
  api('DescribeGroups', describeGroups, 0, 2),
  api('ListGroups', listGroups, 0, 2),
  api('ApiVersions', apiVersions, 0, 3),
  api('CreateTopics', createTopics, 0, 3),
  api('DeleteTopics', deleteTopics, 0, 1),
  api('InitProducerId', initProducerId, 0, 1),
  api('DescribeConfigs', describeConfigs, 0, 2),
  api('CreatePartitions', createPartitions, 0, 1),
];

export const apiByKey: Map<number, ApiDescription> = new Map(APIS.map((a) => [a.key, a]));

/** SaslHandshake (key 17) is not served, only answered with an error: its specs, outside APIS */
export const saslHandshakeRequest: MessageSpec = saslHandshake.request;
export const saslHandshakeResponse: MessageSpec = saslHandshake.response;
export { saslHandshake };

/** answered but not advertised: a client asking for SASL learns why it cannot have it */
export const UNADVERTISED: Map<number, ApiDescription> = new Map([[17, api('SaslHandshake', saslHandshake, 0, 1)]]);
