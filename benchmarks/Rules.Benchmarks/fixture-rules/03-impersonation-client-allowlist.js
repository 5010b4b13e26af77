/**
 * @title Impersonation only into listed applications
 * @overview Support sessions open only in applications listed in IMPERSONATION_CLIENTS,
 * or whose client metadata sets allow_impersonation to "true".
 */
function (user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  const allowed = (configuration.IMPERSONATION_CLIENTS || '').split(',').map(s => s.trim()).filter(Boolean);
  const metadata = context.clientMetadata || {};

  if (allowed.indexOf(context.clientID) === -1 && metadata.allow_impersonation !== 'true') {
    return callback(new UnauthorizedError(`Impersonation is not enabled for ${context.clientName || context.clientID}.`));
  }
  callback(null, user, context);
}
