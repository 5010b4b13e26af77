using Acornima.Ast;
using Rules.Engine.Compilation;
using Rules.Engine.Modules;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Linting;

/// <summary>
/// Static checks over a rule's Acornima AST for mistakes that compile but fail at login time, or that Auth0 and this
/// runtime treat differently. Best effort and deliberately quiet: a warning only where the code says so plainly
/// (static property names, the rule's own parameter names), never on the valid Auth0 styles.
/// </summary>
public static class RuleLinter
{
    /// <summary>Globals of Auth0's older runtime that work here too, as the modules <c>require</c> gives; the lint suggests that form.</summary>
    private static readonly Dictionary<string, string> LegacyGlobals = new(StringComparer.Ordinal)
    {
        ["request"] = "request works here as a global, as in Auth0's older runtime; say where it comes from: `var request = require('request');`",
        ["jwt"] = "jwt works here as a global, as in Auth0's older runtime; say where it comes from: `var jwt = require('jsonwebtoken');`",
        ["uuid"] = "uuid works here as a global, as in Auth0's older runtime; say where it comes from: `var uuid = require('uuid');`",
    };

    /// <summary>Standard OIDC claims (OpenID Connect Core 1.0, 5.1) that Auth0 allowed without a namespace.</summary>
    private static readonly HashSet<string> StandardClaims = new(StringComparer.Ordinal)
    {
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
        "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
        "phone_number_verified", "address", "updated_at",
    };

    private static readonly string[][] RoleNames =
    [
        ["user", "profile"],
        ["context", "ctx"],
        ["callback", "cb", "done", "next"],
    ];

    private static readonly string[] RoleLabels = ["user", "context", "callback"];

    /// <summary>Lints every rule that compiles; rules that do not compile are left to the compiler's errors.</summary>
    /// <param name="hostModules">The modules the host provides (<see cref="Sandbox.SandboxOptions.HostModules"/>), so a require of one is not flagged.</param>
    public static IReadOnlyList<LintWarning> Lint(RuleSet ruleSet, IReadOnlyList<IModuleSource>? hostModules = null)
    {
        var modules = ModuleRegistry.For(hostModules ?? [], ruleSet.Packages);
        return ruleSet.Rules.SelectMany(r => Lint(r, modules)).ToArray();
    }

    /// <summary>Lints one rule on its own, as if no host modules or packages were available.</summary>
    public static IReadOnlyList<LintWarning> Lint(RuleSource source) => Lint(source, ModuleRegistry.For([], null));

    private static IReadOnlyList<LintWarning> Lint(RuleSource source, ModuleRegistry modules)
    {
        var (rule, _) = RuleCompiler.CompileRule(source);
        return rule is null ? [] : Lint(rule, modules);
    }

    internal static IReadOnlyList<LintWarning> Lint(CompiledRule rule) => Lint(rule, ModuleRegistry.For([], null));

    private static IReadOnlyList<LintWarning> Lint(CompiledRule rule, ModuleRegistry modules)
    {
        // The lints read a (user, context, callback) function; an Actions-style module has none of those roles.
        if (rule.Kind == RuleKind.Action)
        {
            return [];
        }
        if (rule.Script.Program!.Body is not [ExpressionStatement { Expression: IFunction function }])
        {
            return [];
        }
        var walker = new Walker(rule, function, modules);
        walker.Run();
        return walker.Warnings.OrderBy(w => w.Line).ThenBy(w => w.Column).ToArray();
    }

    /// <summary>Where the rule sets the refused context field <paramref name="field"/>, when the code says so plainly.</summary>
    internal static (int Line, int Column)? LocateEffectWrite(CompiledRule rule, string field)
    {
        foreach (var lint in Lint(rule))
        {
            if (lint.Code == LintCodes.UnsupportedEffect && lint.Message.StartsWith($"context.{field} ", StringComparison.Ordinal))
            {
                return (lint.Line, lint.Column);
            }
        }
        return null;
    }

    private sealed class Walker(CompiledRule rule, IFunction function, ModuleRegistry modules)
    {
        private readonly HashSet<string> _declared = new(StringComparer.Ordinal);
        private readonly Stack<Node> _parents = new();
        private string? _user;
        private string? _context;
        private string? _callback;

        public List<LintWarning> Warnings { get; } = [];

        public void Run()
        {
            CheckSignature();
            CollectDeclarations((Node)function);
            Walk((Node)function.Body);
            CheckCallback();
            MarkWhatCanOnlyDeny();
        }

        /// <summary>
        /// An unavailable API that the rule's body reaches on every path before it calls back throws on every login:
        /// the rule can only deny, which is an error, not a style warning.
        /// </summary>
        private void MarkWhatCanOnlyDeny()
        {
            if (function.Body is not BlockStatement body || _callback is null)
            {
                return;
            }
            var certain = new HashSet<(int, int)>();
            foreach (var statement in body.Body)
            {
                if (statement is not (ExpressionStatement or VariableDeclaration or ReturnStatement or ThrowStatement))
                {
                    break;
                }
                foreach (var node in UnconditionalNodes(statement))
                {
                    if (node is Identifier identifier && (IsUnavailable(identifier.Name) || identifier.Name == "require") || node is CallExpression { Callee: Identifier { Name: "Function" } } or NewExpression { Callee: Identifier { Name: "Function" } })
                    {
                        certain.Add(rule.ToAuthorPosition(node.Location.Start.Line, node.Location.Start.Column));
                    }
                }
                if (References(statement, _callback))
                {
                    break;
                }
            }
            for (var i = 0; i < Warnings.Count; i++)
            {
                var warning = Warnings[i];
                if (warning.Code == LintCodes.UnavailableApi && certain.Contains((warning.Line, warning.Column)))
                {
                    Warnings[i] = warning with
                    {
                        Message = warning.Message + $"; the rule reaches this before calling {_callback} on every path, so every login that runs it is denied",
                        Severity = LintSeverity.Error,
                    };
                }
            }
        }

        private bool IsUnavailable(string name) => UnavailableGlobals.Contains(name) && !_declared.Contains(name);

        /// <summary>The nodes of <paramref name="node"/> that run whenever it runs: not inside a function, a branch or a typeof.</summary>
        private static IEnumerable<Node> UnconditionalNodes(Node node)
        {
            yield return node;
            IEnumerable<Node> children = node switch
            {
                IFunction or ChainExpression => [],
                UnaryExpression { Operator: Acornima.Operator.TypeOf } => [],
                ConditionalExpression conditional => [conditional.Test],
                LogicalExpression logical => [logical.Left],
                MemberExpression { Computed: false } member => [member.Object],
                _ => node.ChildNodes,
            };
            foreach (var child in children)
            {
                foreach (var inner in UnconditionalNodes(child))
                {
                    yield return inner;
                }
            }
        }

        private void CheckSignature()
        {
            var parameters = function.Params;
            var names = parameters.Select(p => (p as Identifier)?.Name).ToArray();
            if (names.Length != 3)
            {
                Warn((Node)function, LintCodes.RuleSignature,
                    $"the rule function takes {names.Length} parameter{(names.Length == 1 ? "" : "s")}; the runtime calls it with (user, context, callback)");
            }
            else
            {
                for (var i = 0; i < 3; i++)
                {
                    var role = Array.FindIndex(RoleNames, r => names[i] is { } n && r.Contains(n));
                    if (role >= 0 && role != i)
                    {
                        Warn(parameters[i], LintCodes.RuleSignature,
                            $"parameter {i + 1} is named '{names[i]}', but the runtime passes (user, context, callback) in that order: it will hold the {RoleLabels[i]}");
                        return;
                    }
                }
            }

            _user = names.ElementAtOrDefault(0);
            _context = names.ElementAtOrDefault(1);
            _callback = names.Length >= 3 ? names[2] : null;
        }

        private void CollectDeclarations(Node node)
        {
            switch (node)
            {
                case VariableDeclarator { Id: Identifier id }:
                    _declared.Add(id.Name);
                    break;
                case IFunction f:
                    if (f.Id is { } fid) _declared.Add(fid.Name);
                    foreach (var p in f.Params)
                    {
                        if (p is Identifier pid) _declared.Add(pid.Name);
                    }
                    break;
                case CatchClause { Param: Identifier cid }:
                    _declared.Add(cid.Name);
                    break;
            }
            foreach (var child in node.ChildNodes)
            {
                CollectDeclarations(child);
            }
        }

        private void Walk(Node node)
        {
            switch (node)
            {
                case CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral { Value: var module }] }
                    when !_declared.Contains("require") && Http.HttpModules.Sources.ContainsKey(module):
                    // One of the HTTP facades: the runtime resolves it (docs/authoring-rules.md, "Calling other services").
                    return;
                case Identifier identifier when IsReference(identifier) && !_declared.Contains(identifier.Name)
                                                && UnavailableGlobals.TryGetLintMessage(identifier.Name, out var why)
                                                && !InsideTypeof():
                    Warn(identifier, LintCodes.UnavailableApi, why);
                    break;
                case Identifier legacy when IsReference(legacy) && !_declared.Contains(legacy.Name)
                                            && LegacyGlobals.TryGetValue(legacy.Name, out var suggestion) && !InsideTypeof():
                    Warn(legacy, LintCodes.LegacyGlobal, suggestion);
                    break;
                case CallExpression { Callee: Identifier { Name: "require" } } call when !_declared.Contains("require"):
                    if (UnresolvedRequire(call) is { } problem)
                    {
                        Warn(call, LintCodes.UnavailableApi, problem);
                    }
                    break;
                case CallExpression { Callee: Identifier { Name: "Function" } } or NewExpression { Callee: Identifier { Name: "Function" } } when !_declared.Contains("Function"):
                    Warn(node, LintCodes.UnavailableApi, "Function(...) is not available: string compilation is switched off in the sandbox");
                    break;
                case AssignmentExpression assignment:
                    CheckWrite(assignment.Left, assignment, assignment.Right);
                    break;
                case UpdateExpression update:
                    CheckWrite(update.Argument, update, null);
                    break;
                case UnaryExpression { Operator: Acornima.Operator.Delete } delete:
                    CheckWrite(delete.Argument, delete, null);
                    break;
                case CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Object" }, Property: Identifier { Name: "assign" }, Computed: false } } call
                    when call.Arguments.Count >= 2 && TokenOf(call.Arguments[0]) is { } token:
                    foreach (var source in call.Arguments.Skip(1))
                    {
                        CheckObjectLiteralClaims(token, source);
                    }
                    break;
                case CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Object" }, Property: Identifier { Name: "assign" }, Computed: false } } call
                    when call.Arguments.Count >= 2 && IsContext(call.Arguments[0]):
                    foreach (var source in call.Arguments.Skip(1).OfType<ObjectExpression>())
                    {
                        foreach (var property in source.Properties.OfType<Property>())
                        {
                            if (StaticKey(property.Key, property.Computed) is { } key && ContextEffects.FindRefused(key) is { } effect && !IsNothing(property.Value))
                            {
                                Error(property.Key, LintCodes.UnsupportedEffect, effect.RefusalMessage);
                            }
                        }
                    }
                    break;
            }

            _parents.Push(node);
            foreach (var child in node.ChildNodes)
            {
                Walk(child);
            }
            _parents.Pop();
        }

        /// <summary>Why this require will not load, as the compiler would say it; null when it resolves.</summary>
        private string? UnresolvedRequire(CallExpression call)
        {
            if (call.Arguments is not [StringLiteral { Value: var specifier }])
            {
                return "require() must name its module in a string literal, such as require('crypto'), so the module can be resolved when the rule set compiles";
            }
            try
            {
                modules.Resolve(Modules.ModuleSpecifier.Parse(specifier));
                return null;
            }
            catch (ModuleResolutionException e)
            {
                return e.Message;
            }
        }

        private bool InsideTypeof() => _parents.TryPeek(out var parent) && parent is UnaryExpression { Operator: Acornima.Operator.TypeOf };

        private bool IsReference(Identifier identifier)
        {
            if (!_parents.TryPeek(out var parent))
            {
                return true;
            }
            return parent switch
            {
                MemberExpression { Computed: false } member => !ReferenceEquals(member.Property, identifier),
                Property { Computed: false, Shorthand: false } property => !ReferenceEquals(property.Key, identifier),
                MethodDefinition { Computed: false } method => !ReferenceEquals(method.Key, identifier),
                PropertyDefinition { Computed: false } field => !ReferenceEquals(field.Key, identifier),
                LabeledStatement or BreakStatement or ContinueStatement => false,
                _ => true,
            };
        }

        /// <summary>A write to <paramref name="target"/>: a claim on context.idToken / accessToken, or a user impersonation marker.</summary>
        private void CheckWrite(Node target, Node at, Expression? value)
        {
            if (target is not MemberExpression member)
            {
                return;
            }

            if (TokenOf(member.Object) is { } token && StaticKey(member) is { } claim)
            {
                CheckClaim(token, claim, member.Property);
            }
            else if (TokenOf(member) is { } replaced && value is ObjectExpression literal && at is AssignmentExpression)
            {
                CheckObjectLiteralClaims(replaced, literal);
            }

            if (at is not UnaryExpression && RefusedEffectOf(member) is { } effect && (value is null || !IsNothing(value)))
            {
                Error(at, LintCodes.UnsupportedEffect, effect.RefusalMessage);
            }

            if (ImpersonationMarker(member) is { } marker)
            {
                Warn(at, LintCodes.ImpersonationMarker,
                    $"user.{marker} cannot be changed by a rule: it is read-only on an impersonated login (the write is ignored, or throws in strict code) and removed from any other");
            }
        }

        private void CheckObjectLiteralClaims(string token, Node source)
        {
            if (source is not ObjectExpression literal)
            {
                return;
            }
            foreach (var property in literal.Properties.OfType<Property>())
            {
                if (StaticKey(property.Key, property.Computed) is { } claim)
                {
                    CheckClaim(token, claim, property.Key);
                }
            }
        }

        private void CheckClaim(string token, string claim, Node at)
        {
            if (token == "accessToken" && claim == "scope")
            {
                return;
            }
            if (ReservedClaims.IsReserved(claim))
            {
                Warn(at, LintCodes.ReservedClaim,
                    $"'{claim}' is a reserved claim: the token issuer owns it, so the value set here is dropped from context.{token} (see outcome.droppedClaims)");
            }
            else if (!claim.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !claim.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                     && !StandardClaims.Contains(claim))
            {
                Warn(at, LintCodes.UnnamespacedClaim,
                    $"custom claim '{claim}' on context.{token} has no namespace: Auth0 dropped such claims, so apps never saw them; use a URL namespace, e.g. 'https://example.com/{claim}'");
            }
        }

        /// <summary>"idToken" or "accessToken" when <paramref name="node"/> is context.idToken / context['accessToken'].</summary>
        private string? TokenOf(Node node) =>
            _context is not null && node is MemberExpression { Object: Identifier root } member && root.Name == _context
            && StaticKey(member) is "idToken" or "accessToken"
                ? StaticKey(member)
                : null;

        private bool IsContext(Node node) => _context is not null && node is Identifier { } id && id.Name == _context;

        /// <summary>Setting a field to null or undefined asks for nothing.</summary>
        private static bool IsNothing(Node value) => value is NullLiteral or Identifier { Name: "undefined" };

        /// <summary>The refused effect when the member is context.multifactor, context.samlConfiguration.mappings.x, ...</summary>
        private ContextEffect? RefusedEffectOf(MemberExpression member)
        {
            for (Node current = member; current is MemberExpression m; current = m.Object)
            {
                if (IsContext(m.Object) && StaticKey(m) is { } key)
                {
                    return ContextEffects.FindRefused(key);
                }
            }
            return null;
        }

        /// <summary>"impersonated" or "impersonator" when the member is user.impersonated, user.impersonator or anything below them.</summary>
        private string? ImpersonationMarker(MemberExpression member)
        {
            if (_user is null)
            {
                return null;
            }
            for (Node current = member; current is MemberExpression m; current = m.Object)
            {
                if (m.Object is Identifier root && root.Name == _user && StaticKey(m) is "impersonated" or "impersonator")
                {
                    return StaticKey(m);
                }
            }
            return null;
        }

        private static string? StaticKey(MemberExpression member) => StaticKey(member.Property, member.Computed);

        private static string? StaticKey(Node key, bool computed) => key switch
        {
            Identifier identifier when !computed => identifier.Name,
            StringLiteral text => text.Value,
            TemplateLiteral { Expressions.Count: 0, Quasis.Count: 1 } template => template.Quasis[0].Value.Cooked,
            _ => null,
        };

        private void CheckCallback()
        {
            if (_callback is null)
            {
                return;
            }
            var body = (Node)function.Body;
            if (!References(body, _callback))
            {
                Warn((Node)function, LintCodes.CallbackNotCalled,
                    $"the rule never uses '{_callback}': a login that runs it is denied, because a rule must call {_callback}(error) or {_callback}(null, user, context)");
                return;
            }
            if (IsAliased(body, _callback) || body is not BlockStatement block)
            {
                return;
            }
            CheckReturns(block, calledBefore: false);
        }

        /// <summary>Flags a <c>return</c> in the rule's own body that no earlier statement on its path, nor its own value, calls back from.</summary>
        private void CheckReturns(Statement statement, bool calledBefore)
        {
            switch (statement)
            {
                case BlockStatement block:
                    var called = calledBefore;
                    foreach (var inner in block.Body)
                    {
                        CheckReturns(inner, called);
                        called = called || References(inner, _callback!);
                    }
                    break;
                case ReturnStatement ret when !calledBefore && (ret.Argument is null || !References(ret.Argument, _callback!)):
                    Warn(ret, LintCodes.CallbackNotCalled,
                        $"this return leaves the rule without calling {_callback}: the login is denied; write `return {_callback}(null, user, context);` (or pass an error)");
                    break;
                case IfStatement branch:
                    var afterTest = calledBefore || References(branch.Test, _callback!);
                    CheckReturns(branch.Consequent, afterTest);
                    if (branch.Alternate is { } alternate)
                    {
                        CheckReturns(alternate, afterTest);
                    }
                    break;
                case TryStatement attempt:
                    CheckReturns(attempt.Block, calledBefore);
                    if (attempt.Handler is { } handler) CheckReturns(handler.Body, calledBefore);
                    if (attempt.Finalizer is { } finalizer) CheckReturns(finalizer, calledBefore);
                    break;
                case LabeledStatement labeled:
                    CheckReturns(labeled.Body, calledBefore);
                    break;
            }
        }

        /// <summary>True when the callback is stored somewhere (var cb = callback, obj.done = callback): then other names can call it.</summary>
        private static bool IsAliased(Node node, string name)
        {
            foreach (var child in node.ChildNodes)
            {
                var aliased = child switch
                {
                    VariableDeclarator { Init: Identifier init } when init.Name == name => true,
                    AssignmentExpression { Right: Identifier right } when right.Name == name => true,
                    Property { Value: Identifier value } when value.Name == name => true,
                    ArrayExpression array when array.Elements.Any(e => e is Identifier { } id && id.Name == name) => true,
                    _ => false,
                };
                if (aliased || IsAliased(child, name))
                {
                    return true;
                }
            }
            return false;
        }

        private static bool References(Node node, string name)
        {
            if (node is Identifier identifier && identifier.Name == name)
            {
                return true;
            }
            foreach (var child in node.ChildNodes)
            {
                if (References(child, name))
                {
                    return true;
                }
            }
            return false;
        }

        private void Warn(Node node, string code, string message) => Add(node, code, message, LintSeverity.Warning);

        private void Error(Node node, string code, string message) => Add(node, code, message, LintSeverity.Error);

        private void Add(Node node, string code, string message, LintSeverity severity)
        {
            var (line, column) = rule.ToAuthorPosition(node.Location.Start.Line, node.Location.Start.Column);
            Warnings.Add(new LintWarning(rule.Name, rule.Source.File, line, column, code, message, rule.SourceLine(line)) { Severity = severity });
        }
    }
}
