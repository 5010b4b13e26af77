/**
 * @title Record impersonations on the target account
 * @overview Keep the last impersonation (who, when, from where, into which app) in the
 * customer's app_metadata, so the support portal can show it to the customer.
 */
function (user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  const record = {
    by: user.impersonator.email,
    by_id: user.impersonator.user_id,
    at: new Date().toISOString(),
    ip: context.request && context.request.ip,
    client: context.clientName
  };
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.last_impersonation = record;

  auth0.users.updateAppMetadata(user.user_id, { last_impersonation: record })
    .then(function () { callback(null, user, context); })
    .catch(function (err) { callback(err); });
}
