/**
 * @title Mark impersonated sessions in the tokens (Action)
 * @overview The Actions-style twin of rules/impersonation-token-claims.js.
 *
 * On an impersonated login ("Sign in as User") event.user carries the read-only
 * markers `impersonated: true` and `impersonator: { user_id, email }`. This adds,
 * under our namespace:
 *
 *   https://rules.example.com/impersonated     true              (ID token, access token)
 *   https://rules.example.com/impersonator     agent's email     (ID token, access token)
 *   https://rules.example.com/impersonator_id  agent's user_id   (access token)
 *
 * and removes every requested `delete:*` scope: support can look, but cannot
 * close the customer's account.
 */
const NAMESPACE = 'https://rules.example.com/';

exports.onExecutePostLogin = async (event, api) => {
  if (!event.user.impersonated) return;

  const { user_id, email } = event.user.impersonator;

  api.idToken.setCustomClaim(`${NAMESPACE}impersonated`, true);
  api.idToken.setCustomClaim(`${NAMESPACE}impersonator`, email);

  api.accessToken.setCustomClaim(`${NAMESPACE}impersonated`, true);
  api.accessToken.setCustomClaim(`${NAMESPACE}impersonator`, email);
  api.accessToken.setCustomClaim(`${NAMESPACE}impersonator_id`, user_id);

  for (const scope of event.transaction.requested_scopes) {
    if (scope.startsWith('delete:')) api.accessToken.removeScope(scope);
  }

  console.log(`${email} (${user_id}) is signed in as ${event.user.email} on ${event.client.name}`);
};
