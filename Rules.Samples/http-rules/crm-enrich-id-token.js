/**
 * Adds the customer's CRM tier and account manager to the ID token, so the apps can show the right plan.
 * A customer the CRM does not know gets no claims; a CRM that does not answer refuses the login (the apps need the
 * tier), with a message the user can act on.
 */
function enrichIdTokenFromCrm(user, context, callback) {
  const axios = require('axios');
  axios.post(configuration.CRM_URL + 'lookup', { email: user.email }, {
    headers: { Authorization: 'Bearer ' + configuration.CRM_TOKEN },
    timeout: 2000,
  }).then(function (response) {
    context.idToken['https://acme.example.com/tier'] = response.data.tier;
    context.idToken['https://acme.example.com/account_manager'] = response.data.accountManager;
    callback(null, user, context);
  }).catch(function (error) {
    if (error.response && error.response.status === 404) {
      return callback(null, user, context);
    }
    console.log('CRM lookup failed: ' + (error.response ? error.response.status : error.code));
    callback(new Error('The customer directory is not answering; please try again in a minute.'));
  });
}
