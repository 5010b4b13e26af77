/**
 * @title Impersonation only into approved applications
 * @overview Impersonated sessions may only be opened in applications that support signed off on.
 * @category access control
 *
 * Configuration:
 *   IMPERSONATION_CLIENTS   comma-separated client IDs where support may sign in as a user
 *
 * An application can also opt in from its own settings: Application > Advanced >
 * Application Metadata, key `allow_impersonation`, value `true`.
 */
function restrictImpersonationToClients(user, context, callback) {
  if (!user.impersonated) return callback(null, user, context);

  var allowedClients = (configuration.IMPERSONATION_CLIENTS || '')
    .split(',')
    .map(id => id.trim())
    .filter(Boolean);

  var clientMetadata = context.clientMetadata || {};
  var optedIn = clientMetadata.allow_impersonation === 'true';

  if (!allowedClients.includes(context.clientID) && !optedIn) {
    console.log(`Impersonation into ${context.clientName} (${context.clientID}) refused for ${user.impersonator.email}`);
    return callback(new UnauthorizedError(`Impersonation is not enabled for ${context.clientName || 'this application'}.`));
  }

  return callback(null, user, context);
}
