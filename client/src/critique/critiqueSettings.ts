/** The critique settings (`constitutionLens.*`), read fresh for each run so a change applies at once. */
import * as vscode from 'vscode';

export const defaultModel = 'claude-sonnet-5-5';

export interface CritiqueSettings {
  readonly model: string;
  readonly maxTokens: number;
  /** The endpoint; always undefined in an untrusted workspace, whatever the setting says. */
  readonly baseUrl: string | undefined;
  readonly batchThreshold: number;
  readonly concurrency: number;
}

export function critiqueSettings(scope?: vscode.Uri): CritiqueSettings {
  const c = vscode.workspace.getConfiguration('constitutionLens', scope);
  const baseUrl = c.get<string>('baseUrl', '').trim();
  return {
    model: c.get<string>('model', defaultModel).trim() || defaultModel,
    maxTokens: positive(c.get<number>('maxTokens'), 4096),
    baseUrl: vscode.workspace.isTrusted && baseUrl !== '' ? baseUrl : undefined,
    batchThreshold: positive(c.get<number>('batchThreshold'), 20),
    concurrency: positive(c.get<number>('concurrency'), 4),
  };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
