using System.Diagnostics;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// EF Core's diagnostic events (DiagnosticListener "Microsoft.EntityFrameworkCore"), which it raises for every event
/// whatever the log levels: a test watches one event by name while it runs.
/// </summary>
public static class EfEvents
{
    public static IDisposable Subscribe(string eventName, Action<object?> onEvent) =>
        new Subscription(eventName, onEvent);

    private sealed class Subscription : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _eventName;
        private readonly Action<object?> _onEvent;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly IDisposable _all;

        public Subscription(string eventName, Action<object?> onEvent)
        {
            (_eventName, _onEvent) = (eventName, onEvent);
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name != "Microsoft.EntityFrameworkCore") return;
            lock (_subscriptions) _subscriptions.Add(value.Subscribe(this, name => name == _eventName));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == _eventName) _onEvent(value.Value);
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions)
            {
                foreach (var subscription in _subscriptions) subscription.Dispose();
                _subscriptions.Clear();
            }
        }
    }
}
