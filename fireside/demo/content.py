"""The demo organization's people, spaces and conversations, written for Fireside."""

from __future__ import annotations

from typing import Any

STAFF: list[dict[str, Any]] = [
    {"label": "admin", "handle": "maya", "name": "Maya Okafor", "email": "maya@ember.example",
     "role": "admin", "kind": "employee", "title": "Head of Community, Ember Coffee",
     "bio": "I look after this community and make sure every question gets a human answer.",
     "expertise": ["community", "espresso"]},
    {"label": "community manager", "handle": "tom", "name": "Tom Reyes",
     "email": "tom@ember.example", "role": "community_manager", "kind": "employee",
     "title": "Community Manager", "expertise": ["subscriptions", "events"]},
    {"label": "moderator", "handle": "priya", "name": "Priya Natarajan",
     "email": "priya@ember.example", "role": "moderator", "kind": "employee",
     "title": "Head Barista", "expertise": ["espresso", "grinders", "latte art"]},
    {"label": "agent", "handle": "lena", "name": "Lena Fischer", "email": "lena@ember.example",
     "role": "agent", "kind": "employee", "title": "Customer Care",
     "expertise": ["orders", "shipping", "refunds"]},
]

MEMBERS: list[dict[str, Any]] = [
    {"label": "customer", "handle": "alex", "name": "Alex Kim", "email": "alex@example.com",
     "kind": "customer", "title": "Home brewer", "interests": ["pour-over", "light roasts"],
     "bio": "Weekend pour-over nerd. Still chasing the perfect Ethiopian."},
    {"handle": "sam", "name": "Sam Patel", "email": "sam@example.com", "kind": "customer",
     "interests": ["espresso", "milk drinks"]},
    {"handle": "rosa", "name": "Rosa Alvarez", "email": "rosa@example.com", "kind": "customer",
     "title": "Café owner, Valencia", "interests": ["wholesale", "espresso"]},
    {"label": "partner", "handle": "jonas", "name": "Jonas Berg",
     "email": "jonas@roastworks.example",
     "kind": "partner", "title": "Roastworks Supply", "interests": ["green coffee", "logistics"]},
]

SPACES: list[dict[str, Any]] = [
    {"slug": "brewing-help", "name": "Brewing help",
     "purpose": "Get unstuck with your grinder, machine or beans: baristas and fellow home "
                "brewers answer, usually within the hour.",
     "moderators": ["priya"]},
    {"slug": "orders-and-subscriptions", "name": "Orders & subscriptions",
     "purpose": "Questions about deliveries, subscriptions, billing and returns, answered by "
                "our care team and by members who have been there.",
     "moderators": ["lena"]},
    {"slug": "announcements", "name": "Announcements",
     "purpose": "News from the Ember team: new coffees, changes to the service, events. "
                "Comment and tell us what you think."},
    {"slug": "regulars", "name": "Regulars' lounge", "visibility": "members",
     "purpose": "For signed-in members: swap recipes, share setups, meet other coffee people."},
    {"slug": "team-room", "name": "Team room", "visibility": "private",
     "allowed_kinds": ["employee"],
     "purpose": "Employees only: prepare answers together, share what customers tell us and "
                "coordinate launches before they go public."},
    {"slug": "partner-lounge", "name": "Partner lounge", "visibility": "private",
     "allowed_kinds": ["employee", "partner"],
     "purpose": "Wholesale partners and Ember staff plan supply, barista training and "
                "co-marketing."},
]

THREADS: list[dict[str, Any]] = [
    {"key": "welcome", "space": "announcements", "author": "maya", "hours_ago": 24 * 20,
     "pinned": True, "title": "Welcome to the Ember community",
     "body": "Hello and welcome! I'm Maya, and I run this community for Ember.\n\n"
             "This is **our** home, not a page on someone else's platform. Ask anything in "
             "*Brewing help*, tell us about an order in *Orders & subscriptions*, and share "
             "your ideas. People from Ember carry an **Employee** badge, so you always know "
             "who speaks for us.\n\nWe promise a human answer to every question.",
     "replies": [
         {"author": "alex", "body": "Glad this exists. Much better than shouting into the "
                                   "void on social media!", "likes": ["maya", "tom"]},
         {"author": "tom", "body": "Welcome Alex! @alex if you have pour-over questions, "
                                  "@priya is our resident expert."},
     ]},
    {"key": "grinder-clumps", "space": "brewing-help", "author": "sam", "kind": "question",
     "hours_ago": 50, "title": "Why does my grinder clump the coffee for espresso?",
     "tags": ["grinders", "espresso"],
     "body": "My burr grinder produces clumps at the finest settings and my shots channel. "
             "I'm using the Ember House Espresso beans, 18 g in, aiming for 36 g out in "
             "28 seconds. Is it the grinder or my technique?",
     "replies": [
         {"author": "alex", "body": "I had that too. A few drops of water on the beans "
                                   "before grinding (RDT) helped with static for me."},
         {"author": "priya", "minutes": 45, "helpful": ["sam", "alex"], "accepted": True,
          "body": "Clumping at fine settings is normal, and it's usually static plus "
                  "moisture. Three things help:\n\n1. **RDT**: one spritz of water on the "
                  "beans, as Alex says.\n2. **Distribute**: stir the grounds with a needle "
                  "tool (WDT) before tamping.\n3. Check that the beans are 7–21 days past "
                  "roast; very fresh beans degas and clump more.\n\nIf you still channel "
                  "after that, post a photo of the puck and we'll look together."},
         {"author": "sam", "body": "WDT fixed it. Shots are even now. Thank you both!"},
     ]},
    {"key": "delivery-late", "space": "orders-and-subscriptions", "author": "rosa",
     "kind": "question", "hours_ago": 30, "title": "Wholesale delivery is two days late",
     "tags": ["delivery"],
     "body": "Our weekly wholesale order hasn't arrived and the tracking link shows no "
             "update since Monday. We open at 7 tomorrow; can someone check?",
     "replies": [
         {"author": "lena", "minutes": 20, "accepted": True, "helpful": ["rosa"],
          "body": "Hi Rosa, Lena from Ember care here. The carrier lost the scan at the "
                  "Valencia depot; your parcel is there. I've booked a courier for 6:30 "
                  "tomorrow and refunded the shipping. Sorry for the worry!"},
         {"author": "rosa", "body": "Arrived at 6:40. Thank you Lena, that's service."},
     ]},
    {"key": "decaf", "space": "brewing-help", "author": "alex", "kind": "question",
     "hours_ago": 5, "title": "Best grind size for the Swiss Water decaf in a V60?",
     "tags": ["pour-over", "decaf"],
     "body": "The decaf tastes flat compared to the regular beans. Should I grind finer? "
             "I'm using 15 g for 250 g of water at 94 °C."},
    {"key": "subscription-pause", "space": "orders-and-subscriptions", "author": "sam",
     "kind": "question", "hours_ago": 3, "title": "Can I pause my subscription for a month?",
     "tags": ["subscriptions"],
     "body": "Travelling in December. I don't want to cancel, just skip a month. Possible?"},
    {"key": "setups", "space": "regulars", "author": "alex", "hours_ago": 72,
     "title": "Show us your home setup", "tags": ["setups"],
     "body": "Post a description (or a photo link) of your corner of the kitchen. Mine: a "
             "hand grinder, a V60, a gooseneck kettle and far too many mugs.",
     "replies": [
         {"author": "sam", "body": "Single-boiler espresso machine, flat-burr grinder, "
                                  "and a milk jug I burn myself on daily.",
          "likes": ["alex", "rosa"]},
         {"author": "priya", "body": "Love these. We might feature a few in the newsletter "
                                    "if you're up for it!", "likes": ["alex"]},
     ]},
    {"key": "holiday-blend", "space": "team-room", "author": "tom", "hours_ago": 40,
     "title": "Holiday blend launch: draft answers for the community",
     "body": "The holiday blend goes live on the 1st. Let's agree answers for the questions "
             "we expect: caffeine content, brew ratios, and why it costs more this year.",
     "replies": [
         {"author": "priya", "body": "Brew ratio: 1:16 for filter, 1:2 for espresso. I'll "
                                    "write the long version."},
         {"author": "maya", "body": "On price: let's be straight about the harvest and "
                                   "the freight costs. People respect honesty."},
     ]},
    {"key": "training-days", "space": "partner-lounge", "author": "jonas", "hours_ago": 90,
     "title": "Barista training days for wholesale partners in January",
     "body": "Roastworks can host two training days in January. Which dates work for the "
             "Ember cafés, and how many baristas per session?",
     "replies": [
         {"author": "maya", "body": "Thanks Jonas! The 14th and 21st work for us; six "
                                   "baristas per session."},
     ]},
]
