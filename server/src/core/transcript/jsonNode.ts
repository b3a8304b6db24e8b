import type { Node } from 'jsonc-parser';
import type { Span } from '../text.ts';
import { ScannedNode } from './jsonScan.ts';

/** The value of an object's property `key`, if the node is an object that has it. */
export function prop(node: Node | undefined, key: string): Node | undefined {
  if (node instanceof ScannedNode) return node.property(key);
  if (node?.type !== 'object' || !node.children) return undefined;
  for (const p of node.children) {
    const k = p.children?.[0];
    if (k && k.value === key) return p.children?.[1];
  }
  return undefined;
}

/** A string property's value, if the node has one. */
export function stringProp(node: Node | undefined, key: string): string | undefined {
  const v = prop(node, key);
  return v?.type === 'string' ? (v.value as string) : undefined;
}

/** An array property's elements, or an empty list. */
export function arrayProp(node: Node | undefined, key: string): readonly Node[] {
  const v = prop(node, key);
  return v?.type === 'array' ? (v.children ?? []) : [];
}

export function nodeSpan(node: Node): Span {
  return { start: node.offset, end: node.offset + node.length };
}

/** The inside of a string literal, without its quotes. */
export function innerSpan(node: Node): Span {
  const t = node.length >= 2 ? 1 : 0;
  return { start: node.offset + t, end: node.offset + node.length - t };
}
