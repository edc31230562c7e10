/** "1 rule", "3 rules": a count with its noun */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
