using Rules.Engine.Linting;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Linting;

public sealed class RuleLinterTests
{
    private static IReadOnlyList<LintWarning> Lint(string body, string parameters = "user, context, callback") =>
        RuleLinter.Lint(new RuleSource("rule", "rule.js", $"function ({parameters}) {{\n{body}\n}}\n"));

    private static LintWarning Single(string body, string code, string parameters = "user, context, callback")
    {
        var warnings = Lint(body, parameters);
        warnings.Should().ContainSingle(string.Join("\n", warnings)).Which.Code.Should().Be(code);
        return warnings[0];
    }

    [Theory]
    [InlineData("  var _ = require('lodash@4.17.19');\n  callback(null, user, context);", "require('lodash@4.17.19') cannot be resolved", 2, 11)]
    [InlineData("  setTimeout(function () { callback(null, user, context); }, 10);", "setTimeout", 2, 3)]
    [InlineData("  setInterval(function () {}, 10);\n  callback(null, user, context);", "setInterval", 2, 3)]
    [InlineData("  var env = process.env.STAGE;\n  callback(null, user, context);", "process", 2, 13)]
    [InlineData("  new XMLHttpRequest();\n  callback(null, user, context);", "XMLHttpRequest", 2, 7)]
    [InlineData("  var f = new Function('return 1');\n  callback(null, user, context);", "Function(...)", 2, 11)]
    public void Unavailable_apis_are_flagged_where_they_are_used(string body, string api, int line, int column)
    {
        var warning = Single(body, LintCodes.UnavailableApi);

        warning.Message.Should().StartWith(api);
        (warning.Line, warning.Column).Should().Be((line, column));
        warning.Format().Should().StartWith($"rule.js:{line}:{column}: error: {api}", "each example reaches the API before calling back, so it can only deny");
    }

    [Theory]
    [InlineData("  var crypto = require('crypto');\n  var b = Buffer.from('x');\n  callback(null, user, context);")]
    [InlineData("  var jwt = require('jsonwebtoken@8.5.1');\n  var u = new URL('https://example.com');\n  callback(null, user, context);")]
    public void A_resolvable_require_and_nodes_module_globals_are_not_flagged(string body)
    {
        Lint(body).Should().BeEmpty();
    }

    [Theory]
    [InlineData("  require('request').post({ url: 'https://hooks.slack.com/x', json: {} });\n  callback(null, user, context);")]
    [InlineData("  var axios = require('axios');\n  callback(null, user, context);")]
    [InlineData("  fetch('https://api.example.com/').then(function () { callback(null, user, context); });")]
    public void The_http_facades_are_not_flagged(string body)
    {
        Lint(body).Should().BeEmpty();
    }

    [Theory]
    [InlineData("  context.idToken.sub = 'x';", "sub")]
    [InlineData("  context.idToken['iss'] = 'x';", "iss")]
    [InlineData("  context.accessToken.aud = 'x';", "aud")]
    [InlineData("  context.idToken['https://auth0.com/x'] = 1;", "https://auth0.com/x")]
    [InlineData("  Object.assign(context.idToken, { nonce: 'n' });", "nonce")]
    [InlineData("  context.accessToken = { act: {} };", "act")]
    public void Writes_to_reserved_claims_are_flagged(string write, string claim)
    {
        Single(write + "\n  callback(null, user, context);", LintCodes.ReservedClaim).Message.Should().Contain($"'{claim}' is a reserved claim");
    }

    [Theory]
    [InlineData("  user.impersonated = false;")]
    [InlineData("  user.impersonator = { email: 'me' };")]
    [InlineData("  user.impersonator.email = 'me';")]
    [InlineData("  user['impersonated'] = false;")]
    [InlineData("  delete user.impersonator;")]
    public void Writes_to_the_impersonation_markers_are_flagged(string write)
    {
        Single(write + "\n  callback(null, user, context);", LintCodes.ImpersonationMarker);
    }

    [Theory]
    [InlineData("  context.idToken.roles = [];", "roles")]
    [InlineData("  context.accessToken['plan'] = 'pro';", "plan")]
    [InlineData("  context.idToken[`tier`] = 'gold';", "tier")]
    public void Custom_claims_without_a_namespace_are_flagged(string write, string claim)
    {
        Single(write + "\n  callback(null, user, context);", LintCodes.UnnamespacedClaim).Message.Should().Contain($"'{claim}'").And.Contain("https://example.com/" + claim);
    }

    [Theory]
    [InlineData("user, context")]
    [InlineData("user, context, callback, extra")]
    [InlineData("context, user, callback")]
    [InlineData("user, callback, context")]
    public void A_rule_function_that_does_not_take_user_context_callback_is_flagged(string parameters)
    {
        var warnings = Lint("  callback(null, user, context);", parameters);

        warnings.Should().Contain(w => w.Code == LintCodes.RuleSignature, string.Join("\n", warnings));
    }

    [Fact]
    public void A_rule_that_never_uses_callback_is_flagged_at_the_function()
    {
        var warning = Single("  context.idToken['https://example.com/x'] = 1;", LintCodes.CallbackNotCalled);

        (warning.Line, warning.Column).Should().Be((1, 1));
    }

    [Theory]
    [InlineData("  if (user.blocked) {\n    return;\n  }\n  callback(null, user, context);", 3)]
    [InlineData("  if (user.blocked) return false;\n  callback(null, user, context);", 2)]
    [InlineData("  if (user.a) {\n    callback(null, user, context);\n  } else {\n    return;\n  }", 5)]
    public void A_branch_that_returns_without_calling_callback_is_flagged(string body, int line)
    {
        Single(body, LintCodes.CallbackNotCalled).Line.Should().Be(line);
    }

    [Theory]
    // The Auth0 styles of the rules catalog: early return through callback, promise chains, async/await, helpers, aliases.
    [InlineData("  if (!user.email_verified) {\n    return callback(new UnauthorizedError('verify'));\n  }\n  return callback(null, user, context);")]
    [InlineData("  if (!user.impersonated) return callback(null, user, context);\n  callback(null, user, context);")]
    [InlineData("  auth0.users.updateAppMetadata(user.user_id, {})\n    .then(function () { callback(null, user, context); })\n    .catch(function (err) { callback(err); });")]
    [InlineData("  var namespace = 'https://example.com/';\n  context.idToken[namespace + 'roles'] = [];\n  context.idToken[`${namespace}plan`] = 'pro';\n  callback(null, user, context);")]
    [InlineData("  context.idToken.email = user.email;\n  context.idToken.name = user.name;\n  context.accessToken.scope = ['openid'];\n  callback(null, user, context);")]
    [InlineData("  callback(null, user, context);\n  return;")]
    [InlineData("  const done = callback;\n  if (user.x) {\n    return;\n  }\n  done(null, user, context);")]
    [InlineData("  function finish() { return callback(null, user, context); }\n  if (user.x) return finish();\n  finish();")]
    [InlineData("  var list = [1, 2].filter(function (n) { return n > 1; });\n  callback(null, user, context);")]
    [InlineData("  if (typeof process !== 'undefined') {}\n  const require = function () {};\n  require('x');\n  callback(null, user, context);")]
    [InlineData("  var ctx = { process: 1, setTimeout: 2 };\n  user.app_metadata.process = ctx.process;\n  callback(null, user, context);")]
    [InlineData("  try {\n    JSON.parse(user.user_metadata.raw);\n  } catch (e) {\n    return callback(e);\n  }\n  callback(null, user, context);")]
    [InlineData("  user.impersonatedBy = 'x';\n  if (user.impersonated) console.log(user.impersonator.email);\n  callback(null, user, context);")]
    public void Valid_auth0_styles_raise_no_warning(string body)
    {
        Lint(body).Should().BeEmpty();
    }

    [Theory]
    [InlineData("async function (user, context, callback) {\n  await Promise.resolve();\n  callback(null, user, context);\n}")]
    [InlineData("/** header */\nfunction named(user, context, cb) {\n  cb(null, user, context);\n}\n;")]
    [InlineData("(user, context, callback) => callback(null, user, context)")]
    [InlineData("function (u, ctx, done) {\n  done(null, u, ctx);\n}")]
    public void Other_valid_rule_shapes_raise_no_warning(string script)
    {
        RuleLinter.Lint(new RuleSource("rule", "rule.js", script)).Should().BeEmpty();
    }

    [Fact]
    public void A_rule_that_does_not_compile_is_left_to_the_compiler()
    {
        RuleLinter.Lint(new RuleSource("rule", "rule.js", "function (user, context, callback) { var x = ; }")).Should().BeEmpty();
    }

    [Fact]
    public void The_sample_rules_raise_no_warning()
    {
        var ruleSet = RuleSetDirectory.Load(Path.Combine(SampleRuleSetTests.SampleRuleSet.SamplesDirectory, "rules"));

        ruleSet.Rules.Should().NotBeEmpty();
        RuleLinter.Lint(ruleSet).Should().BeEmpty();
    }

    [Fact]
    public void A_warning_on_line_1_points_at_the_author_column()
    {
        var warnings = RuleLinter.Lint(new RuleSource("rule", "rule.js", "function (user, context, callback) { context.idToken.sub = 1; callback(null, user, context); }"));

        warnings.Should().ContainSingle().Which.Column.Should().Be("function (user, context, callback) { context.idToken.".Length + 1);
    }

    [Theory]
    [InlineData("  context.primaryUser = 'auth0|primary';", "primaryUser", 2, 3)]
    [InlineData("  if (user.email) {\n    context.jwtConfiguration = { lifetimeInSeconds: 60 };\n  }", "jwtConfiguration", 3, 5)]
    [InlineData("  context.samlConfiguration.mappings['http://schemas.example.com/plan'] = 'app_metadata.plan';", "samlConfiguration", 2, 3)]
    [InlineData("  context['primaryUser'] = 'auth0|1';", "primaryUser", 2, 3)]
    [InlineData("  Object.assign(context, { jwtConfiguration: { lifetimeInSeconds: 60 } });", "jwtConfiguration", 2, 28)]
    [InlineData("  ctx.primaryUser = 'auth0|primary';", "primaryUser", 2, 3, "u, ctx, done")]
    public void Setting_an_effect_this_server_refuses_is_an_error(string body, string field, int line, int column, string parameters = "user, context, callback")
    {
        var warning = Lint(body + "\n  " + parameters.Split(", ")[2] + "(null, " + parameters.Split(", ")[0] + ", " + parameters.Split(", ")[1] + ");", parameters)
            .Should().ContainSingle().Which;

        warning.Code.Should().Be(LintCodes.UnsupportedEffect);
        warning.Severity.Should().Be(LintSeverity.Error);
        warning.Message.Should().StartWith($"context.{field} asks for").And.Contain("denied");
        (warning.Line, warning.Column).Should().Be((line, column));
        warning.Format().Should().StartWith($"rule.js:{line}:{column}: error: context.{field}");
    }

    [Theory]
    [InlineData("  context.primaryUser = null;")]
    [InlineData("  context.multifactor = { provider: 'any', allowRememberBrowser: false };")]
    [InlineData("  context.multifactor = undefined;")]
    [InlineData("  delete context.redirect;")]
    [InlineData("  context.redirect = { url: 'https://example.com/terms' };")]
    [InlineData("  var provider = context.multifactor && context.multifactor.provider;")]
    [InlineData("  var other = {}; other.multifactor = { provider: 'any' };")]
    public void Reading_clearing_or_writing_elsewhere_is_not_asking(string body)
    {
        Lint(body + "\n  callback(null, user, context);").Should().BeEmpty();
    }

    [Theory]
    [InlineData("  request.post({ url: 'https://example.com' }, function () { callback(null, user, context); });", "request works here as a global", "var request = require('request');")]
    [InlineData("  var token = jwt.sign({}, 'secret');\n  callback(null, user, context);", "jwt works here as a global", "var jwt = require('jsonwebtoken');")]
    [InlineData("  user.jti = uuid.v4();\n  callback(null, user, context);", "uuid works here as a global", "var uuid = require('uuid');")]
    public void Auth0s_old_globals_work_and_the_lint_suggests_require(string body, string message, string suggestion)
    {
        var lint = Single(body, LintCodes.LegacyGlobal);
        lint.Message.Should().StartWith(message).And.Contain(suggestion);
        lint.Severity.Should().Be(LintSeverity.Warning);
    }

    [Fact]
    public void A_local_named_like_an_old_global_is_fine()
    {
        Lint("  var request = { post: function () {} };\n  request.post();\n  callback(null, user, context);").Should().BeEmpty();
    }

    [Theory]
    [InlineData("  setTimeout(function () { callback(null, user, context); }, 10);")]
    [InlineData("  const secret = process.env.SECRET;\n  callback(null, user, context);")]
    [InlineData("  var x = new XMLHttpRequest();\n  callback(null, user, context);")]
    [InlineData("  var f = Function('return 1');\n  callback(null, user, context);")]
    public void An_unavailable_api_reached_on_every_path_before_callback_is_an_error(string body)
    {
        var lint = Single(body, LintCodes.UnavailableApi);

        lint.Severity.Should().Be(LintSeverity.Error);
        lint.Message.Should().EndWith("so every login that runs it is denied");
    }

    [Theory]
    [InlineData("  if (user.app_metadata.legacy) {\n    var request = require('request');\n  }\n  callback(null, user, context);")]
    [InlineData("  var hasFetch = typeof fetch === 'function';\n  callback(null, user, context);")]
    [InlineData("  var f = function () { return require('x'); };\n  callback(null, user, context);")]
    [InlineData("  var x = user.legacy ? require('x') : null;\n  callback(null, user, context);")]
    [InlineData("  callback(null, user, context);\n  require('x');")]
    public void One_that_some_path_avoids_stays_a_warning(string body)
    {
        Lint(body).Should().NotContain(l => l.Severity == LintSeverity.Error);
    }
}
