using FraudWeb.Tests.Web.Reports;

namespace FraudWeb.Tests.Browser.Infrastructure;

/// <summary>A browser host whose app serves <see cref="ControlledRiskModel"/>: payments are held for review unless the test says otherwise.</summary>
public sealed class HeldPaymentBrowserHost : BrowserHost
{
    public HeldPaymentBrowserHost()
        : base(new HeldPaymentFactory())
    {
    }

    public ControlledRiskModel Risk => ((HeldPaymentFactory)Factory).Risk;
}
