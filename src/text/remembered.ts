/**
 * A function whose last `kept` answers are remembered by key: the offline drafter reads the same
 * event (and the same sentences) again at every stage. The oldest answer goes first.
 */
export function remembered<Value>(kept: number, compute: (key: string) => Value): (key: string) => Value {
  const answers = new Map<string, Value>();
  return (key) => {
    if (answers.has(key)) return answers.get(key)!;
    const value = compute(key);
    if (answers.size >= kept) answers.delete(answers.keys().next().value!);
    answers.set(key, value);
    return value;
  };
}

/**
 * A list kept by `remembered`, frozen with its items: every caller is handed the same one, so a
 * caller that changed it would change what the next stage reads (in strict code it throws instead).
 */
export function frozenList<Item extends object>(items: Item[]): Item[] {
  for (const item of items) Object.freeze(item);
  return Object.freeze(items) as Item[];
}
