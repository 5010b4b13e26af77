using Jint;
using Jint.Runtime.Debugger;

namespace Rules.Engine.Runtime;

/// <summary>
/// Hooks for <c>rules test --coverage</c>: turns on Jint's debugger and reports every statement step.
/// Only the test runner builds a runtime with it; the debugger slows every statement, so the login path never does.
/// </summary>
internal sealed class RuntimeInstrumentation(Action<DebugInformation> onStep)
{
    public void Configure(Options options)
    {
        options.Debugger.Enabled = true;
        options.Debugger.InitialStepMode = StepMode.Into;
    }

    /// <summary>Called once the runtime is built, so the bootstrap and the rules' loading are not observed.</summary>
    public void Attach(Jint.Engine engine) =>
        engine.Debugger.Step += (_, info) =>
        {
            onStep(info);
            return StepMode.Into;
        };
}
