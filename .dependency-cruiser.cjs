/**
 * The pipeline order of src/, enforced: a folder may import only from
 * folders before it in STAGES (and from itself). `npm test` runs this, so a
 * backward import or a cycle between folders fails the build.
 */
const STAGES = [
  'core', // shared names, limits, errors, ordering: imports nothing of ours
  'spec', // the proto contract loaded with protobufjs
  'source', // a working tree or a commit → input files (git, history, following)
  'declarations', // input files → YAML → proto shape → semantic rules → diagnostics
  'model', // diagnostics-free declarations → the immutable model of one commit
  'render', // model → Kubernetes manifests (cdk8s)
  'plan', // two revisions → what differs, rendered only where it does (mcpo diff, mcpo plan)
  'secrets', // sealing values for the change commands
  'cluster', // live pods through client-node
  'changes', // create/update/delete of declarations in a working tree
  'serve', // the read-only gRPC server
  'cli', // one file per command
];

const backward = STAGES.flatMap((stage, i) => {
  const later = STAGES.slice(i + 1);
  if (later.length === 0) return [];
  return [
    {
      name: `no-backward-import-from-${stage}`,
      comment: `src/${stage} comes before ${later.join(', ')} in the pipeline and may not import them`,
      severity: 'error',
      from: { path: `^src/${stage}/` },
      to: { path: `^src/(${later.join('|')})/` },
    },
  ];
});

module.exports = {
  forbidden: [
    ...backward,
    {
      name: 'no-unknown-stage',
      comment: 'every folder of src/ is a stage listed in .dependency-cruiser.cjs, in pipeline order',
      severity: 'error',
      from: { path: `^src/(?!(${STAGES.join('|')})/)` },
      to: {},
    },
    {
      name: 'no-import-of-unknown-stage',
      comment: 'every folder of src/ is a stage listed in .dependency-cruiser.cjs, in pipeline order',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/(?!(${STAGES.join('|')})/)` },
    },
    {
      name: 'no-circular',
      comment: 'modules may not import each other in a circle',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-from-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(build|dist|node_modules)/' },
  },
};
