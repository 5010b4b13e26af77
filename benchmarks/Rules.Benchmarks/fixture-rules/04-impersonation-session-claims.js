/**
 * @title Flag impersonated sessions in tokens
 * @overview Namespaced claims tell APIs a support agent is acting; destructive scopes are dropped.
 */
function flagImpersonatedSession(user, context, callback) {
  const ns = 'https://rules.example.com/';
  const roles = (user.app_metadata && user.app_metadata.roles) || [];
  context.idToken[ns + 'roles'] = roles;
  context.accessToken[ns + 'roles'] = roles;

  if (user.impersonated) {
    context.idToken[ns + 'impersonated'] = true;
    context.idToken[ns + 'impersonator'] = user.impersonator.email;
    context.accessToken[ns + 'impersonator_id'] = user.impersonator.user_id;

    const query = (context.request && context.request.query) || {};
    context.accessToken.scope = (query.scope || 'openid').split(' ')
      .filter(scope => scope && !scope.startsWith('delete:') && !scope.startsWith('admin:'));
  }
  callback(null, user, context);
}
