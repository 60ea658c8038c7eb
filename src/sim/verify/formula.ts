/**
 * A tiny arithmetic evaluator for expectations written as formulas, e.g. `min(10*k, 300)`:
 * numbers, variables, + − × ÷, parentheses, min(…), max(…).
 */
import { ShapeError } from './fields.js';

export function evaluateFormula(text: string, vars: Readonly<Record<string, number>>): number {
  const tokens = text.match(/\d+(?:\.\d+)?|[A-Za-z_]\w*|[-+*/(),]/g) ?? [];
  if (tokens.join('') !== text.replace(/\s+/g, '')) throw new ShapeError(`formula "${text}" has characters it cannot read`);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (t?: string) => {
    const tok = tokens[pos++];
    if (tok === undefined || (t !== undefined && tok !== t)) throw new ShapeError(`formula "${text}": expected ${t ?? 'more'}`);
    return tok;
  };
  const expr = (): number => {
    let v = term();
    while (peek() === '+' || peek() === '-') v = take() === '+' ? v + term() : v - term();
    return v;
  };
  const term = (): number => {
    let v = factor();
    while (peek() === '*' || peek() === '/') v = take() === '*' ? v * factor() : v / factor();
    return v;
  };
  const factor = (): number => {
    const tok = take();
    if (tok === '-') return -factor();
    if (tok === '(') {
      const v = expr();
      take(')');
      return v;
    }
    if (/^\d/.test(tok)) return Number(tok);
    if (tok === 'min' || tok === 'max') {
      take('(');
      const args = [expr()];
      while (peek() === ',') {
        take(',');
        args.push(expr());
      }
      take(')');
      return tok === 'min' ? Math.min(...args) : Math.max(...args);
    }
    const v = vars[tok];
    if (v === undefined) throw new ShapeError(`formula "${text}": unknown name ${tok}`);
    return v;
  };
  const value = expr();
  if (pos !== tokens.length) throw new ShapeError(`formula "${text}": unexpected ${tokens[pos]}`);
  return value;
}
