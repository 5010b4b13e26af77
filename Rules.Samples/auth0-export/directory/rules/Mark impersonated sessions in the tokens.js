/**
 * @title Mark impersonated sessions in the tokens
 * @overview Add the impersonator to the ID token and access token, and drop destructive scopes.
 *
 * Our APIs and the audit trail must be able to tell a support session from the
 * customer's own. On an impersonated login this adds, under our namespace:
 *
 *   https://rules.example.com/impersonated     true              (ID token, access token)
 *   https://rules.example.com/impersonator     agent's email     (ID token, access token)
 *   https://rules.example.com/impersonator_id  agent's user_id   (access token)
 *
 * and removes every `delete:*` scope from the access token: support can look, but
 * cannot close the customer's account.
 */
function addImpersonatorClaims(user, context, callback) {
  if (!user.impersonated) return callback(null, user, context);

  const namespace = 'https://rules.example.com/';
  const { user_id, email } = user.impersonator;

  context.idToken[`${namespace}impersonated`] = true;
  context.idToken[`${namespace}impersonator`] = email;

  context.accessToken[`${namespace}impersonated`] = true;
  context.accessToken[`${namespace}impersonator`] = email;
  context.accessToken[`${namespace}impersonator_id`] = user_id;

  const requested = ((context.request && context.request.query && context.request.query.scope) || '').split(' ');
  context.accessToken.scope = requested.filter(scope => scope && scope.indexOf('delete:') !== 0);

  console.log(`${email} (${user_id}) is signed in as ${user.email} on ${context.clientName}`);
  callback(null, user, context);
}
