/** InitProducerId (key 22), from Kafka's InitProducerIdRequest.json / InitProducerIdResponse.json. */
import type { MessageSpec } from '../codec.js';

export const request: MessageSpec = {
  apiKey: 22,
  type: 'request',
  name: 'InitProducerIdRequest',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'TransactionalId',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'null for an idempotent, non-transactional producer',
    },
    { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '3+', default: -1n },
    { name: 'ProducerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
};

export const response: MessageSpec = {
  apiKey: 22,
  type: 'response',
  name: 'InitProducerIdResponse',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+', default: -1n },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
  ],
};
