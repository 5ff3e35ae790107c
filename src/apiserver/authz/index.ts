/** Authorization: may this user do this? */
export {
  alwaysAllowAuthorizer,
  alwaysDenyAuthorizer,
  type AuthorizationAttributes,
  type Authorizer,
  type Decision,
} from './authorizer.js';
export { forbiddenError } from './forbidden.js';
export { nodeRbacAuthorizer } from './chain.js';
