"""Writes the import-boundary overrides into biome.json (run from the repo root: python3 scripts/biome-boundaries.py, then npx biome format --write biome.json)."""
import json
UP = ['../', '../../', '../../../']
def deep():
    g = [u + '*/**' for u in UP]
    g += ['!' + u + '*/index.js' for u in UP]
    g += ['!' + u + 'adapters/' + a + '.js' for u in UP[:2] for a in ['node', 'express', 'fastify', 'koa', 'hono', 'fetch']]
    g += ['!' + u + 'test/**' for u in UP[1:]]
    return {'group': g, 'message': 'enter another folder through its index.ts (adapters: a public adapter entry), never a file inside it'}
def forbid(folders, why):
    return {'group': [u + f + '/**' for u in UP for f in folders], 'message': why}
ALL_UP = ['browser', 'server', 'csrf', 'cors-compat', 'adapters', 'proxy', 'scan', 'cli', 'lab']
rules = [
    (['src/_util/**', 'src/_config/**', 'src/_fetch/**', 'src/origin/**'], [forbid(ALL_UP + ['_http'], 'the bottom layer (_util, _fetch, origin) imports nothing above it')]),
    (['src/_http/**'], [forbid(ALL_UP, '_http is the Node glue under every core: it imports no core or consumer')]),
    (['src/browser/**'], [forbid(['server', 'csrf', 'cors-compat', 'adapters', 'proxy', 'scan', 'cli', 'lab', '_http'], 'the browser engine is one half of the spec: it shares only _fetch/origin with the server side')]),
    (['src/server/**', 'src/csrf/**'], [forbid(['browser', 'adapters', 'proxy', 'scan', 'cli', 'lab', 'cors-compat'], 'server and csrf cores import only the bottom layer and _http')]),
    (['src/cors-compat/**'], [forbid(['browser', 'adapters', 'proxy', 'scan', 'cli', 'lab', 'csrf'], 'the cors drop-in core maps options onto the server policy only')]),
    (['src/adapters/**'], [forbid(['_fetch', 'origin', 'browser', 'proxy', 'scan', 'cli', 'lab'], 'adapters translate only: they import _http, server, csrf, cors-compat (and _util, _config)')]),
    (['src/proxy/**', 'src/scan/**'], [forbid(['cli', 'lab', 'adapters'], 'proxy and scan sit below the CLI and the lab')]),
]
b = json.load(open('biome.json'))
b['overrides'] = [o for o in b.get('overrides', []) if not o.get('_boundaries')]
def rule(pats):
    return {'linter': {'rules': {'style': {'noRestrictedImports': {'level': 'error', 'options': {'patterns': pats}}}}}}
# Every src file gets the deep-import rule; layer rules add to it (later overrides replace earlier ones).
b['overrides'].append({'includes': ['src/**'], **rule([deep()])})
for inc, pats in rules:
    b['overrides'].append({'includes': inc + ['!**/*.test.ts'], **rule([deep()] + pats)})
json.dump(b, open('biome.json', 'w'), indent=2)
open('biome.json', 'a').write('\n')
