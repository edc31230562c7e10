/**
 * The OpenAPI 3.1 document, generated from the same resource model as the routes, so it cannot
 * drift from them: one schema per resource type, its collection, item and relationship paths, the
 * login, atomic operations and the project's custom endpoints.
 */
import type { ColumnInfo } from '../store/types.js';
import type { Endpoints } from './endpoints.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './jsonapi/query.js';
import type { ResourceType } from './jsonapi/model.js';
import type { ApiContext } from './jsonapi/scope.js';

const JSONAPI = 'application/vnd.api+json';

function columnSchema(col: ColumnInfo): Record<string, unknown> {
  const base: Record<string, unknown> =
    col.kind === 'integer'
      ? { type: 'integer' }
      : col.kind === 'boolean'
        ? { type: 'boolean' }
        : col.kind === 'decimal' || col.kind === 'real' || col.kind === 'numeric'
          ? { type: 'number' }
          : col.kind === 'date'
            ? { type: 'string', format: 'date' }
            : col.kind === 'datetime'
              ? { type: 'string', format: 'date-time' }
              : col.kind === 'blob'
                ? { type: 'string', contentEncoding: 'base64' }
                : { type: 'string' };
  if (!col.notNull) base.type = [base.type, 'null'];
  if (col.declaredType) base.description = col.declaredType;
  return base;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const doc = (schema: unknown) => ({ content: { [JSONAPI]: { schema } } });
const errors = { description: 'JSON:API error objects', ...doc(ref('Errors')) };

/** `origin`: where the server is (http://host:port); the paths are absolute below it (/api/Customer) */
export function openApiDocument(ctx: ApiContext, origin: string, custom: Endpoints): Record<string, unknown> {
  const schemas: Record<string, unknown> = {
    Errors: {
      type: 'object',
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              code: { type: 'string' },
              title: { type: 'string' },
              detail: { type: 'string' },
              source: { type: 'object' },
              meta: { type: 'object' },
            },
          },
        },
      },
    },
    Identifier: { type: 'object', required: ['type', 'id'], properties: { type: { type: 'string' }, id: { type: 'string' } } },
  };
  const paths: Record<string, unknown> = {};
  // with security off there is nobody to log in as
  if (ctx.security.enabled) {
    paths['/api/auth/login'] = {
      post: {
        tags: ['auth'],
        summary: 'Log in; send the token as Authorization: Bearer <token>',
        security: [],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['username', 'password'],
                properties: { username: { type: 'string' }, password: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          200: {
            description: 'a token',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { access_token: { type: 'string' }, expires_in: { type: 'integer' } } },
              },
            },
          },
          401: errors,
          429: { description: 'too many failed logins for this user or from this address: wait Retry-After seconds' },
          503: { description: 'too many logins being checked at once: try again after Retry-After seconds' },
        },
      },
    };
    const newPassword = (required: string[], properties: Record<string, unknown>) => ({
      content: { 'application/json': { schema: { type: 'object', required, properties } } },
    });
    const token = {
      description: 'a new token (the old ones no longer work)',
      content: { 'application/json': { schema: { type: 'object' } } },
    };
    paths['/api/auth/password'] = {
      put: {
        tags: ['auth'],
        summary: 'Change your own password (the current one is checked like a login); your other tokens end',
        requestBody: newPassword(['current', 'password'], { current: { type: 'string' }, password: { type: 'string', minLength: 8 } }),
        responses: { 200: token, 400: errors, 401: errors, 403: errors, 429: errors },
      },
    };
    const name = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
    paths['/api/auth/users/{name}/password'] = {
      put: {
        tags: ['auth'],
        summary: "Set a user's password and end their tokens (roles of manageUsers: by default those granted '*': 'crud')",
        parameters: name,
        requestBody: newPassword(['password'], { password: { type: 'string', minLength: 8 } }),
        responses: { 204: { description: 'set' }, 400: errors, 403: errors, 404: errors },
      },
    };
    paths['/api/auth/users/{name}/revoke'] = {
      post: {
        tags: ['auth'],
        summary: 'End every token a user holds (roles of manageUsers)',
        parameters: name,
        responses: { 204: { description: 'revoked' }, 403: errors, 404: errors },
      },
    };
  }
  paths['/api/operations'] = {
    get: {
      tags: ['atomic'],
      summary: 'How to send atomic operations (a meta document)',
      responses: { 200: { description: 'usage', ...doc({ type: 'object', properties: { meta: { type: 'object' } } }) } },
    },
    post: {
      tags: ['atomic'],
      summary: 'Several operations as one transaction (JSON:API atomic extension)',
      requestBody: { content: { [`${JSONAPI}; ext="https://jsonapi.org/ext/atomic"`]: { schema: { type: 'object' } } } },
      responses: { 200: { description: 'results, one per operation' }, 400: errors, 403: errors, 404: errors, 422: errors },
    },
  };
  for (const type of ctx.model.types.values()) {
    schemas[type.type] = resourceSchema(type);
    const t = encodeURIComponent(type.type);
    const tag = [type.type];
    const idParam = {
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description:
        type.table.primaryKey.length > 1
          ? `${type.table.primaryKey.join(',')} (each part URI-encoded, joined by commas)`
          : type.table.primaryKey[0],
    };
    paths[`/api/${t}`] = {
      get: {
        tags: tag,
        summary: `List ${type.type}`,
        parameters: collectionParameters(type),
        responses: {
          200: {
            description: `${type.type} resources`,
            ...doc({
              type: 'object',
              properties: {
                data: { type: 'array', items: ref(type.type) },
                meta: { type: 'object', properties: { count: { type: 'integer' } } },
              },
            }),
          },
          400: errors,
          401: errors,
          403: errors,
        },
      },
      ...(type.readOnly
        ? {}
        : {
            post: {
              tags: tag,
              summary: `Create a ${type.type} (through the rules)`,
              requestBody: doc({ type: 'object', properties: { data: ref(type.type) } }),
              responses: {
                201: { description: 'created, with derived values', ...doc({ type: 'object', properties: { data: ref(type.type) } }) },
                400: errors,
                403: errors,
                409: errors,
                415: errors,
                422: errors,
              },
            },
          }),
    };
    paths[`/api/${t}/{id}`] = {
      parameters: [idParam],
      get: {
        tags: tag,
        summary: `One ${type.type}`,
        parameters: [includeParam(type), fieldsParam(type)],
        responses: { 200: { description: type.type, ...doc({ type: 'object', properties: { data: ref(type.type) } }) }, 404: errors },
      },
      ...(type.readOnly
        ? {}
        : {
            patch: {
              tags: tag,
              summary: `Update a ${type.type} (partial; If-Match or meta.checksum for optimistic locking)`,
              requestBody: doc({ type: 'object', properties: { data: ref(type.type) } }),
              responses: {
                200: { description: 'updated', ...doc({ type: 'object', properties: { data: ref(type.type) } }) },
                404: errors,
                409: errors,
                412: errors,
                422: errors,
              },
            },
            delete: {
              tags: tag,
              summary: `Delete a ${type.type} (cascades through the rules)`,
              responses: { 204: { description: 'deleted' }, 404: errors, 412: errors, 422: errors },
            },
          }),
    };
    for (const rel of type.relationships.values()) {
      paths[`/api/${t}/{id}/${rel.name}`] = {
        parameters: [idParam],
        get: {
          tags: tag,
          summary: `The ${rel.kind === 'toOne' ? rel.target : `${rel.target} list`} of a ${type.type}`,
          responses: { 200: { description: rel.target }, 404: errors },
        },
      };
      paths[`/api/${t}/{id}/relationships/${rel.name}`] = {
        parameters: [idParam],
        get: {
          tags: tag,
          summary: `Linkage of ${type.type}.${rel.name}`,
          responses: { 200: { description: 'resource identifiers' }, 404: errors },
        },
        patch: {
          tags: tag,
          summary: `Replace ${type.type}.${rel.name}`,
          requestBody: doc({
            type: 'object',
            properties: {
              data: rel.kind === 'toOne' ? { oneOf: [ref('Identifier'), { type: 'null' }] } : { type: 'array', items: ref('Identifier') },
            },
          }),
          responses: { 200: { description: 'new linkage' }, 403: errors, 404: errors },
        },
        ...(rel.kind === 'toMany'
          ? {
              post: {
                tags: tag,
                summary: `Add to ${type.type}.${rel.name}`,
                responses: { 200: { description: 'new linkage' }, 403: errors, 404: errors },
              },
              delete: {
                tags: tag,
                summary: `Remove from ${type.type}.${rel.name}`,
                responses: { 200: { description: 'new linkage' }, 403: errors, 404: errors },
              },
            }
          : {}),
      };
    }
  }
  for (const [path, ep] of Object.entries(custom)) {
    paths[`/api/${path.replace(/^\/+/, '')}`] = {
      [ep.method.toLowerCase()]: {
        tags: ['custom'],
        summary: ep.summary ?? path,
        ...(ep.public ? { security: [] } : {}),
        ...(ep.roles ? { description: `For the role${ep.roles.length === 1 ? '' : 's'} ${ep.roles.join(', ')}.` } : {}),
        ...(ep.method === 'GET'
          ? {}
          : {
              requestBody: {
                content: { 'application/json': { schema: { type: 'object' }, ...(ep.example ? { example: ep.example } : {}) } },
              },
            }),
        responses: { 200: { description: 'done' }, 201: { description: 'created' }, 400: errors, 403: errors, 422: errors },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `${ctx.project.name} — alsx API`,
      version: '1.0.0',
      description: 'JSON:API 1.1 generated from the database; every write runs through the rules.',
    },
    servers: [{ url: origin }],
    ...(ctx.security.enabled ? { security: [{ bearer: [] }] } : {}),
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}

function resourceSchema(type: ResourceType): Record<string, unknown> {
  return {
    type: 'object',
    required: ['type'],
    properties: {
      type: { const: type.type },
      id: { type: 'string' },
      attributes: {
        type: 'object',
        properties: Object.fromEntries(type.attributes.map((c) => [type.memberOf.get(c.name)!, columnSchema(c)])),
      },
      relationships: {
        type: 'object',
        properties: Object.fromEntries(
          [...type.relationships.values()].map((r) => [
            r.name,
            { type: 'object', description: `${r.kind === 'toOne' ? 'to-one' : 'to-many'} ${r.target}` },
          ]),
        ),
      },
      meta: { type: 'object', properties: { checksum: { type: 'string' } } },
    },
  };
}

const includeParam = (type: ResourceType) => ({
  name: 'include',
  in: 'query',
  schema: { type: 'string' },
  description: `comma list of relationship paths: ${[...type.relationships.keys()].join(', ')}`,
});
const fieldsParam = (type: ResourceType) => ({
  name: `fields[${type.type}]`,
  in: 'query',
  schema: { type: 'string' },
  description: 'sparse fieldset: comma list of attributes and relationships',
});

function collectionParameters(type: ResourceType): unknown[] {
  return [
    includeParam(type),
    fieldsParam(type),
    { name: 'sort', in: 'query', schema: { type: 'string' }, description: 'comma list of attributes, - for descending' },
    { name: 'page[offset]', in: 'query', schema: { type: 'integer', minimum: 0 } },
    { name: 'page[limit]', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT } },
    ...[...type.attributesByName.keys()].map((a) => ({
      name: `filter[${a}]`,
      in: 'query',
      schema: { type: 'string' },
      description: `equality; also filter[${a}][op] with op in eq ne lt le gt ge in like isnull notnull`,
    })),
  ];
}
