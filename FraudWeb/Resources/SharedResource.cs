namespace FraudWeb.Resources;

/// <summary>
/// The one resource set of the pages' words: keys are the English text (what an English page shows), values in
/// SharedResource.zh-CN.resx are Simplified Chinese. One set, so a phrase is translated once wherever it appears.
/// </summary>
public sealed class SharedResource
{
    private SharedResource() { }
}
