// The scenario a single-scenario script (bench:profile, bench:gc) is asked for:
// its first argument, the first listed when absent; anything else prints the
// usage and exits 2.
export function scenarioArgument<const S extends readonly string[]>(
  script: string,
  scenarios: S,
): S[number] {
  const scenario = process.argv[2] ?? scenarios[0];
  if (scenario === undefined || !scenarios.includes(scenario)) {
    console.error(`usage: npm run ${script} -- [${scenarios.join("|")}]`);
    process.exit(2);
  }
  return scenario;
}
