/**
 * Legacy contracts from the original bot, imported once with `stakebts import` (or `npm run import`).
 * One contract per line: `username start_ms amount months months_paid` (spaces or tabs).
 * Blank lines and `#` comments are ignored. Amounts are whole BTS from the allowed list; months 3, 6 or 12;
 * months_paid = interest payments already made (those rows are imported as paid, nothing is sent for them).
 */
export const STAKES = `
# username          start_ms        amount   months  months_paid
alice-legacy        1633046400000   25000    3       3
bob.staker          1635724800000   200000   12      5
carol-1             1638316800000   1000000  6       0
`;
