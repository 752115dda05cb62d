import { dispatch } from './dispatch.js';

export default { fetch: (request: Request) => dispatch(request) };
