package game

// RulesVersion numbers the rules: it changes whenever Step can give a different
// world for the same starting state and inputs (a tuning constant, a formula, the
// order of anything). Recordings of rounds carry it, and a replay made under
// another version is refused rather than played wrong.
const RulesVersion = 1
