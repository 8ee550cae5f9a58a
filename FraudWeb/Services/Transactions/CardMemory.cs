using System.Collections.Concurrent;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;

namespace FraudWeb.Services.Transactions;

/// <summary>
/// Cards and merchants a payment needs, kept in memory on SQLite so that submitting a payment reads no row
/// (docs/decisions/0018): each card with its holder's user id and the balance as last committed, each merchant's name
/// and category. A card is read from the database on first use and then replaced by the payment writer with the card
/// it committed; any other committed change of a card or merchant makes it be forgotten
/// (<see cref="Infrastructure.Database.MemoryInvalidationInterceptor"/>). The cards handed out are never changed
/// afterwards: the writer replaces them, it does not update them.
/// </summary>
public sealed class CardMemory
{
    /// <summary>Cards and merchants kept at most; past that all are forgotten and read again as needed (memory bound).</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<long, Slot> _cards = new();
    private readonly ConcurrentDictionary<long, PaymentMerchant> _merchants = new();
    private readonly Lock _merchantGate = new();
    private long _merchantGeneration;

    /// <summary>Forgotten cards counted by card id's stripe (a shared stripe only forgets a card more often).</summary>
    private readonly long[] _forgets = new long[4096];

    private static int Stripe(long cardId) => (int)(cardId & 4095);

    /// <summary>The card, if it is kept and <paramref name="userId"/>'s; null otherwise (then read it).</summary>
    public Card? OwnedCard(long cardId, string userId) =>
        _cards.TryGetValue(cardId, out var slot) && slot.Owned(userId) is { } card ? card : null;

    public PaymentMerchant? Merchant(long terminalId) => _merchants.GetValueOrDefault(terminalId);

    /// <summary>
    /// Before reading a card (and a merchant) from the database: what <see cref="Remember"/> needs to tell whether a
    /// change committed meanwhile, in which case what was read is not kept.
    /// </summary>
    public ReadMark Mark(long cardId)
    {
        var slot = _cards.TryGetValue(cardId, out var kept) ? kept : Add(cardId);
        return new ReadMark(slot, slot.Version, Interlocked.Read(ref _merchantGeneration));
    }

    /// <summary>Keeps a card and merchant read since <paramref name="mark"/>, unless either changed meanwhile.</summary>
    public void Remember(ReadMark mark, string userId, Card card, PaymentMerchant merchant)
    {
        ArgumentNullException.ThrowIfNull(mark);
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(merchant);
        mark.Slot.Fill(mark.Version, userId, card);
        lock (_merchantGate)
        {
            if (_merchantGeneration != mark.MerchantGeneration) return;
            if (_merchants.Count >= MaxEntries) _merchants.Clear();
            _merchants[merchant.Id] = merchant;
        }
    }

    /// <summary>
    /// Before the payment writer reads these cards in its transaction: what <see cref="Committed"/> needs to tell
    /// whether anything else changed one of them (and made it be forgotten) between that read and the writer's
    /// <see cref="Committed"/> call.
    /// </summary>
    public WriteMark BeforeWrite(IEnumerable<long> cardIds)
    {
        ArgumentNullException.ThrowIfNull(cardIds);
        var forgets = new Dictionary<long, long>();
        foreach (var id in cardIds) forgets[id] = Volatile.Read(ref _forgets[Stripe(id)]);
        return new WriteMark(forgets);
    }

    /// <summary>
    /// After the payment writer's commit: the cards as committed replace the kept ones, and any read in flight is not
    /// kept. A card another change made be forgotten since <paramref name="mark"/> is forgotten instead: that change
    /// may have committed after the writer's, and a read since then kept its state, which the writer's card would
    /// overwrite with an older one (a card unblocked in that moment would have stayed refused from memory).
    /// </summary>
    public void Committed(IEnumerable<Card> cards, WriteMark mark)
    {
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(mark);
        foreach (var card in cards)
        {
            bool Unchanged() => mark.Forgets.TryGetValue(card.Id, out var seen) && Volatile.Read(ref _forgets[Stripe(card.Id)]) == seen;
            if (_cards.TryGetValue(card.Id, out var slot)) slot.Replace(card, Unchanged);
            if (!Unchanged()) ForgetCards([card.Id]);
        }
    }

    /// <summary>After a committed change of these cards by anything but the payment writer.</summary>
    public void ForgetCards(IEnumerable<long> cardIds)
    {
        ArgumentNullException.ThrowIfNull(cardIds);
        foreach (var id in cardIds)
        {
            // Counted before the slot goes, so a writer's Committed that sees no count has its card retired after it.
            Interlocked.Increment(ref _forgets[Stripe(id)]);
            if (_cards.TryRemove(id, out var slot)) slot.Retire();
        }
    }

    public void ForgetAllCards()
    {
        // Every stripe counted, kept cards or not: a card read and kept after this must not be overwritten by a writer
        // that read it before (Committed).
        for (var i = 0; i < _forgets.Length; i++) Interlocked.Increment(ref _forgets[i]);
        foreach (var id in _cards.Keys) ForgetCards([id]);
    }

    /// <summary>After a committed change of merchants (rare): all are read again.</summary>
    public void ForgetMerchants()
    {
        lock (_merchantGate)
        {
            _merchantGeneration++;
            _merchants.Clear();
        }
    }

    private Slot Add(long cardId)
    {
        if (_cards.Count >= MaxEntries) ForgetAllCards();
        return _cards.GetOrAdd(cardId, _ => new Slot());
    }

    /// <summary>What <see cref="BeforeWrite"/> saw: each card's count of forgets.</summary>
    public sealed record WriteMark(IReadOnlyDictionary<long, long> Forgets);

    /// <summary>What <see cref="Mark"/> saw before a read.</summary>
    public sealed record ReadMark(Slot Slot, long Version, long MerchantGeneration);

    /// <summary>One card's place: empty until read, replaced by each commit of the writer; its version moves with every change.</summary>
    public sealed class Slot
    {
        private readonly Lock _gate = new();
        private Card? _card;
        private string? _owner;

        public long Version { get; private set; }

        public Card? Owned(string userId)
        {
            lock (_gate) return _card is not null && string.Equals(_owner, userId, StringComparison.Ordinal) ? _card : null;
        }

        public void Fill(long version, string owner, Card card)
        {
            lock (_gate)
            {
                if (Version != version || _card is not null) return;
                (_owner, _card) = (owner, card);
            }
        }

        /// <summary>The writer's committed card, kept only while <paramref name="current"/> (checked under the slot's lock).</summary>
        public void Replace(Card card, Func<bool> current)
        {
            lock (_gate)
            {
                Version++;
                if (_card is not null) _card = current() ? card : null;
            }
        }

        public void Retire()
        {
            lock (_gate)
            {
                Version++;
                _card = null;
            }
        }
    }
}
