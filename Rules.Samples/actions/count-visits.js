/**
 * @title Count the customer's own visits (Action)
 * @overview The Actions-style twin of the metadata half of rules/add-roles-and-count-visits.js.
 *
 * api.user.setAppMetadata is batched and saved only if the whole login is allowed,
 * so a login that a later policy refuses is not counted. Impersonated logins are
 * support's, not the customer's, and leave the counter alone.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.impersonated) return;

  const metadata = event.user.app_metadata || {};
  api.user.setAppMetadata('visits', (metadata.visits || 0) + 1);
  api.user.setAppMetadata('last_visit', new Date().toISOString());
};
