// The room order of DESIGN.md: a room imports only rooms to its left, and only through their index.ts.
// core ← config ← {store, privacy} ← {camera, vision, identity, access, door, site, osdp} ← {mqtt, admin, health} ← main
const tier = {
  core: 0,
  config: 1,
  store: 2,
  privacy: 2,
  camera: 3,
  vision: 3,
  identity: 3,
  access: 3,
  door: 3,
  site: 3,
  osdp: 3,
  mqtt: 4,
  admin: 4,
  health: 4,
};
const rooms = Object.keys(tier);
const forbidden = [];
for (const from of rooms) {
  const notAllowed = rooms.filter((to) => to !== from && tier[to] >= tier[from]);
  if (notAllowed.length > 0) {
    forbidden.push({
      name: `${from}-imports-right`,
      comment: `${from} may only import rooms to its left in DESIGN.md's order`,
      severity: 'error',
      from: { path: `^daemon/${from}/` },
      to: { path: `^daemon/(${notAllowed.join('|')})/` },
    });
  }
}
forbidden.push({
  name: 'past-index',
  comment: 'another room is reached only through its index.ts',
  severity: 'error',
  from: { path: '^daemon/([^/]+)/' },
  to: { path: '^daemon/([^/]+)/.+', pathNot: ['^daemon/$1/', '^daemon/[^/]+/index\\.ts$'] },
});
// The composition root (main.ts and its wiring helpers) reaches vision through the entry that stays clear of TensorFlow.js.
forbidden.push({
  name: 'main-past-entry',
  comment: 'main.ts and its wiring helpers reach a room through its index.ts (vision: main-thread.ts)',
  severity: 'error',
  from: { path: '^daemon/main(-wiring|-osdp)?\\.ts$' },
  to: { path: '^daemon/([^/]+)/.+', pathNot: ['^daemon/[^/]+/index\\.ts$', '^daemon/vision/main-thread\\.ts$'] },
});
forbidden.push({
  name: 'nothing-imports-main',
  severity: 'error',
  from: { path: '^daemon/[^/]+/' },
  to: { path: '^daemon/(main|main-wiring|main-osdp|cli)\\.ts$' },
});
forbidden.push({
  name: 'main-thread-without-ml-runtimes',
  comment: "TensorFlow.js and onnxruntime belong in the vision worker: loaded by the daemon's main thread they cost ~100 MB for nothing",
  severity: 'error',
  from: { path: '^daemon/main\\.ts$' },
  to: { path: 'node_modules/(@tensorflow|onnxruntime-web)', reachable: true },
});
forbidden.push({
  name: 'not-to-unresolvable',
  severity: 'error',
  from: {},
  to: { couldNotResolve: true },
});
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
