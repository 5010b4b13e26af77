/**
 * @title Privileged accounts cannot be impersonated
 * @overview Deny impersonation of accounts holding an admin, owner or billing role.
 */
function (user, context, callback) {
  if (!user.impersonated) return callback(null, user, context);

  const PRIVILEGED = ['admin', 'owner', 'billing_admin'];
  const roles = (user.app_metadata && Array.isArray(user.app_metadata.roles)) ? user.app_metadata.roles : [];
  const hit = roles.find(role => PRIVILEGED.includes(role));

  if (hit) {
    console.log(`${user.impersonator.email} tried to impersonate ${user.email} (role ${hit})`);
    return callback(new UnauthorizedError('This account cannot be impersonated.'));
  }
  return callback(null, user, context);
}
