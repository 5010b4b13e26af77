/**
 * @title Add roles to tokens and count visits
 * @overview Put app_metadata.roles in the tokens; keep a visit counter in app_metadata.
 *
 * Runs on every login. The SPA reads the roles from the ID token to show or hide
 * screens, the API reads them from the access token:
 *
 *   https://rules.example.com/roles   e.g. ["customer"]
 *
 * The customer's own logins also bump app_metadata.visits and set
 * app_metadata.last_visit. A support agent signing in as the customer is not the
 * customer's visit, so impersonated logins leave the counter alone.
 */
function (user, context, callback) {
  var namespace = 'https://rules.example.com/';
  user.app_metadata = user.app_metadata || {};
  var roles = user.app_metadata.roles || [];

  context.idToken[namespace + 'roles'] = roles;
  context.accessToken[namespace + 'roles'] = roles;

  if (user.impersonated) {
    return callback(null, user, context);
  }

  user.app_metadata.visits = (user.app_metadata.visits || 0) + 1;
  user.app_metadata.last_visit = new Date().toISOString();

  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
    .then(() => callback(null, user, context))
    .catch(callback);
}
