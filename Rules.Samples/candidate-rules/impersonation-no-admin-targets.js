/**
 * @title Never impersonate an administrator
 * @overview Deny impersonation when the target account has the admin role.
 * @category access control
 *
 * Roles are provisioned into app_metadata.roles by our back office. A support
 * session opened as an admin would hand the agent every admin permission, and
 * the admin console does not know it is being used by someone else, so these
 * accounts can never be impersonated. Ask the security team instead.
 */
function (user, context, callback) {
  if (!user.impersonated) return callback(null, user, context);

  const PROTECTED_ROLES = ['admin', 'owner'];
  const appMetadata = user.app_metadata || {};
  const roles = Array.isArray(appMetadata.roles) ? appMetadata.roles : [];

  if (PROTECTED_ROLES.some(role => roles.includes(role))) {
    console.log(`${user.impersonator.email} tried to impersonate ${user.email}, who has roles ${roles.join(', ')}`);
    return callback(new Error('Administrator accounts cannot be impersonated.'));
  }

  callback(null, user, context);
}
