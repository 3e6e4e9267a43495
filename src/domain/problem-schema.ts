// The problem+json body (RFC 9457, CONTRACT §3) as a TypeBox schema, for the responses routes
// declare in the OpenAPI document. The catalogue of codes is problems.ts.
import { Type } from '@sinclair/typebox';
import { PROBLEMS } from './problems.ts';

export const ProblemBody = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    code: Type.Union(Object.keys(PROBLEMS).map((code) => Type.Literal(code))),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
);
