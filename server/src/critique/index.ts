/**
 * The critique engine's public surface: one turn critiqued by a model (streamed, cached, its faults
 * worded for the front end that shows them), datasets critiqued concurrently or through the Message
 * Batches API, and the types of its requests, events and outcomes. The extension client imports it as
 * `@lens/critique` and the command line as this module; neither reaches into the engine's files.
 */
export {
  cancelBatch,
  collectBatch,
  critiqueConcurrently,
  CritiqueFault,
  customIdOf,
  estimateDataset,
  parseCustomId,
  pollBatch,
  submitBatch,
  waitForBatch,
  type BatchJob,
  type BatchProgress,
  type DatasetEstimate,
  type DatasetItem,
  type EndpointOptions,
} from './batch.ts';
export { critiqueTurn } from './critiqueTurn.ts';
export { cancelledError, commandLineWording, editorWording, noKeyError, toCritiqueError, type Wording } from './errors.ts';
export { FileCritiqueCache, MemoryCritiqueCache } from './fileCache.ts';
export { cacheKeyOf, sha256 } from './hash.ts';
export { priceOf, type ModelPrice } from './pricing.ts';
export {
  CritiqueErrorKind,
  type CritiqueCache,
  type CritiqueError,
  type CritiqueEvent,
  type CritiqueFinding,
  type CritiqueOptions,
  type CritiqueOutcome,
  type CritiqueRequest,
  type CritiqueResult,
  type CritiqueUsage,
  type DroppedFinding,
  type FindingSeverity,
} from './types.ts';
