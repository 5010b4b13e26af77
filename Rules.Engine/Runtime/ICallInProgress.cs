namespace Rules.Engine.Runtime;

/// <summary>A rule or action call that may still be waiting on HTTP calls: the login waits until it has finished.</summary>
internal interface ICallInProgress
{
    /// <summary>Nothing more can change the outcome of this call.</summary>
    bool Finished { get; }
}
