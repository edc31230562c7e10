/**
 * SaslHandshake (key 17), from Kafka's SaslHandshakeRequest.json / SaslHandshakeResponse.json.
 * Not served: the broker answers it with an error (UNSUPPORTED_SASL_MECHANISM) and no mechanisms.
 */
import type { MessageSpec } from '../codec.js';

export const request: MessageSpec = {
  apiKey: 17,
  type: 'request',
  name: 'SaslHandshakeRequest',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [{ name: 'Mechanism', type: 'string', versions: '0+' }],
};

export const response: MessageSpec = {
  apiKey: 17,
  type: 'response',
  name: 'SaslHandshakeResponse',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Mechanisms', type: '[]string', versions: '0+', about: 'the mechanisms enabled on the server' },
  ],
};
