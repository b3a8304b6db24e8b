/**
 * Builds the bundles for production (unless `build` is false) and packages the extension with vsce;
 * returns the path of the .vsix.
 */
export function packageVsix(options?: { out?: string; quiet?: boolean; build?: boolean }): string;
