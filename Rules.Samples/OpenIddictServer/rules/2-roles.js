/**
 * Puts the user's roles in both tokens, under a namespaced claim as Auth0 requires.
 */
function roles(user, context, callback) {
  const roles = (user.app_metadata && user.app_metadata.roles) || [];
  context.idToken['https://example.com/roles'] = roles;
  context.accessToken['https://example.com/roles'] = roles;
  context.accessToken['https://example.com/client'] = context.clientID;
  callback(null, user, context);
}
