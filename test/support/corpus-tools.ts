/** The sample tools both conformance corpora offer; each corpus writes them in its own wire shape. */
export const sampleTools = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city'] },
  },
  {
    name: 'calculator',
    description: 'Evaluate an arithmetic expression',
    schema: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
  },
  {
    name: 'create_ticket',
    description: 'Open a support ticket',
    schema: {
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 3 },
        priority: { type: 'string', enum: ['low', 'high'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        customer: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
      },
      required: ['title', 'priority', 'tags', 'customer'],
    },
  },
];
