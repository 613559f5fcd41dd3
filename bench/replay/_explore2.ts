import { makeDeployScenario, DeployedService } from './deploys.js';
import { makeScenario } from './world.js';
import { BASELINES, runDetector } from './baselines.js';
const sc = makeDeployScenario({ seed: 42, days: 30 });
console.log(
  'base incidents',
  makeScenario({ seed: 42, days: 30 }).incidents.length,
  'deploys',
  sc.deploys!.length,
  'bad',
  sc.deploys!.filter((d) => d.bad).length,
  'incidents',
  sc.incidents.length,
);
for (const i of sc.incidents.filter((i) => i.deploy))
  console.log(i.deploy, new Date(i.start).toISOString(), ((i.naturalEnd - i.start) / 60000).toFixed(1));
for (const p of BASELINES) {
  const w = new DeployedService(sc, { seed: 43 });
  runDetector(p, w);
  console.log(
    p.name,
    (w.downtimeMs() / 60000).toFixed(1),
    (w.badDeployDowntimeMs() / 60000).toFixed(1),
    w.restartKinds,
  );
}
