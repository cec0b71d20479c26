/** Small pieces several folders need; imports nothing of ours (docs/architecture.md). */
export { definedFields, type DefinedFields } from './defined-fields.js';
