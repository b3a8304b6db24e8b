/**
 * What the extension client reads of the language core, imported as `@lens/core`: the constitution
 * and transcript models and their parsers, the names of places as a person reads them, and a
 * critique's quote found in its turn. The client never checks on its own (it asks the server); it
 * parses only to send a turn to the critique engine and to place what comes back.
 */
export { clauseById, ConstitutionFormat, type Clause, type Constitution } from './constitution/model.ts';
export { parseConstitution } from './constitution/parse.ts';
export { LineIndex, type MappedText, type Span } from './text.ts';
export {
  Role,
  textBlocks,
  TranscriptFormat,
  turnText,
  type Citation,
  type ContentBlock,
  type Conversation,
  type Note,
  type Transcript,
  type Turn,
} from './transcript/model.ts';
export { detectKind, FileKind, parseTranscript } from './transcript/parse.ts';
export { capitalised, conversationName, turnName } from './transcript/placeName.ts';
export { mappedSlice } from './transcript/mappedSlice.ts';
export { locateQuote, MatchKind, type QuoteLocation } from './critique/locate.ts';
