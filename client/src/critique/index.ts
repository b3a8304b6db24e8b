/** The critique side of the extension, as the entry point uses it. */
export { registerCritique, type CritiqueApi, type CritiqueDeps, type FoundConstitution } from './registerCritique.ts';
