/**
 * Northwind's custom endpoints, beside the generated JSON:API.
 *
 *   POST /api/ServicesEndPoint/OrderB2B   a partner's order (API Logic Server's body
 *        {"meta": {"args": {"order": {…}}}}, or the bare order), through the rules: the credit check
 *        applies, and a refusal writes nothing.
 */
import { endpoints } from 'alsx';
import { OrderB2B, orderB2BExample } from '../integration/OrderB2B.js';

export default endpoints({
  'ServicesEndPoint/OrderB2B': {
    method: 'POST',
    summary: 'Place an order in the B2B partner format (lookups by name; credit checked by the rules)',
    example: { meta: { args: { order: orderB2BExample } } },
    handle: (call) => call.create(OrderB2B, call.body?.meta?.args?.order ?? call.body, { include: ['OrderDetailList'] }),
  },
});
