function blockEmbargoedCountries(user, context, callback) {
  // Retired when the embargo list moved to the API gateway; kept disabled for the record.
  var country = context.request.geoip && context.request.geoip.country_code;
  if (['XX', 'YY'].indexOf(country) !== -1) {
    return callback(new UnauthorizedError('Access from your country is not permitted.'));
  }
  callback(null, user, context);
}
