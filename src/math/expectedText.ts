/**
 * How the checker writes an `expected` value: TeX (a number, an expression, `x = 4`), solutions
 * joined by SOLUTIONS_JOINER, or NO_SOLUTION in words. Browser-safe: the webview reads the same
 * spelling to typeset the TeX and keep the words as text.
 */
export const SOLUTIONS_JOINER = ' or ';
export const NO_SOLUTION = 'no solution';

export interface ExpectedPiece {
  tex: boolean;
  text: string;
}

/** An expected value split into TeX to typeset and words to show as they are. */
export function expectedPieces(expected: string): ExpectedPiece[] {
  if (expected === NO_SOLUTION) return [{ tex: false, text: expected }];
  return expected.split(SOLUTIONS_JOINER).flatMap((text, i) => [...(i ? [{ tex: false, text: SOLUTIONS_JOINER }] : []), { tex: true, text }]);
}
