namespace FraudWeb.Services.Seeding;

/// <summary>Deterministic, plausible merchant names and categories for the simulator's anonymous terminals.</summary>
public static class MerchantNames
{
    private static readonly string[] Places =
    [
        "Harbour", "Maple", "Riverside", "Oak", "Northgate", "Kingsway", "Elm", "Bridge", "Lakeside", "Station",
        "Highfield", "Westbrook", "Market Street", "Parkview", "Hillcrest", "Old Town", "Meadow", "Castle", "Seaview", "Greenway",
        "Summit", "Willow", "Southbank", "Cedar", "Brookside", "Fairfield", "Abbey", "Crown", "Redwood", "Silverdale",
    ];

    private static readonly (string Category, string[] Nouns)[] Categories =
    [
        ("Groceries", ["Grocers", "Market", "Foods", "Supermarket"]),
        ("Fuel", ["Fuel", "Service Station", "Petrol"]),
        ("Restaurants", ["Kitchen", "Bistro", "Diner", "Grill", "Pizzeria"]),
        ("Cafés", ["Coffee House", "Café", "Bakery"]),
        ("Electronics", ["Electronics", "Tech Store", "Computers"]),
        ("Travel", ["Travel", "Rail Tickets", "Air Tickets"]),
        ("Online shopping", ["Online", "Direct", "Web Store"]),
        ("Pharmacy", ["Pharmacy", "Chemist"]),
        ("Clothing", ["Outfitters", "Apparel", "Boutique", "Shoes"]),
        ("Entertainment", ["Cinema", "Games", "Books & Music"]),
        ("Jewellery", ["Jewellers", "Watches"]),
        ("Home & garden", ["Hardware", "Garden Centre", "Furniture"]),
    ];

    /// <summary>
    /// Words people search a kind of shop by, in English and Chinese, besides its name and its translation: "超市"
    /// (supermarket) found nothing, as Groceries reads 食品杂货, and "grocery" nothing, as names say Grocers (Chinese UI
    /// test). Matched in either language whatever the page's.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> SearchWords { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Groceries"] = ["grocery", "supermarket", "food", "超市", "杂货", "食品", "菜市场", "便利店"],
        ["Fuel"] = ["petrol", "gas station", "gasoline", "加油", "汽油", "油站"],
        ["Restaurants"] = ["restaurant", "dining", "food", "饭店", "餐馆", "饭馆", "吃饭"],
        ["Cafés"] = ["cafe", "coffee", "bakery", "咖啡", "面包", "烘焙"],
        ["Electronics"] = ["computer", "phone", "电器", "数码", "电脑", "手机"],
        ["Travel"] = ["train", "flight", "airline", "ticket", "机票", "火车票", "车票", "旅游"],
        ["Online shopping"] = ["online", "internet", "网购", "网上购物", "网店", "电商"],
        ["Pharmacy"] = ["drugstore", "chemist", "medicine", "药店", "药房", "药"],
        ["Clothing"] = ["clothes", "fashion", "shoes", "服装", "衣服", "鞋"],
        ["Entertainment"] = ["cinema", "movie", "games", "books", "music", "电影", "影院", "游戏", "书店", "音乐"],
        ["Jewellery"] = ["jewelry", "watch", "珠宝", "首饰", "手表"],
        ["Home & garden"] = ["hardware", "furniture", "garden", "家居", "五金", "家具", "园艺"],
    };

    /// <summary>Where a shop name's branches are: a name alone would repeat, so every name says its town.</summary>
    private static readonly string[] Towns =
    [
        "Northam", "Eastleigh", "Westford", "Southwick", "Ashby", "Bramley", "Carlton", "Denholm", "Easton", "Farley",
        "Glenbrook", "Hampton", "Irvington", "Kelso", "Langley", "Milford", "Newbury", "Orton", "Preston", "Quinton",
        "Radley", "Selby", "Thornton", "Upton", "Ventnor", "Whitby", "Yarwell", "Ashford", "Barton", "Clifton",
    ];

    /// <summary>
    /// Name and category for the n-th terminal (0-based): "{place} {kind of shop}, {town}", unique (a shop name repeats
    /// only in another town), so a person choosing a merchant can tell them apart.
    /// </summary>
    /// <summary>The categories merchants are in (stored in English; pages translate them).</summary>
    public static IReadOnlyList<string> CategoryNames { get; } = Categories.Select(c => c.Category).ToArray();

    public static (string Name, string Category) For(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var category = Categories[index % Categories.Length];
        var rest = index / Categories.Length;
        var noun = category.Nouns[rest % category.Nouns.Length];
        var place = Places[(rest / category.Nouns.Length + index * 7) % Places.Length];
        var branch = index / (Categories.Length * Places.Length);
        // More branches than towns only in scaled benchmarks (tens of thousands of merchants).
        var town = branch < Towns.Length ? Towns[branch] : $"{Towns[branch % Towns.Length]} {branch / Towns.Length + 1}";
        return ($"{place} {noun}, {town}", category.Category);
    }
}
