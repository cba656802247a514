"""Demo data for the quickstart: reference data, a demo customer and a staff account, the help
desk's FAQ, the customer's trips and a help-desk ticket. Idempotent."""

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from b2c.models import (
    FAQ,
    AffiliatePartner,
    FrequentFlyerNumber,
    LoyaltyProgram,
    ReferralProgram,
    Reward,
    SupportTicket,
    TravelCompanion,
    Trip,
)
from b2c.selectors.customer import customer_for_user
from b2c.services import customer as customer_services
from b2c.services.loyalty import loyalty_points_grant
from b2c.services.support import staff_reply, ticket_assign, ticket_open
from b2c.services.trips import activity_create, trip_attach_booking, trip_create
from bookings.models import Booking, BookingSegment, Passenger
from flights.models import Airline, Airport, Fare, Flight
from flights.schedule import schedule_generate
from flights.services import airlines_load, airports_load
from payments.fx import exchange_rates_refresh

DEMO_FLOWN_REFERENCE = "DMOFLY"

# The demo catalogue, with its own translations (staff enter these in the admin).
DEMO_REWARDS = [
    {
        "name": "USD 10 wallet credit",
        "description": "Added to your Safar wallet at once; spend it on any booking.",
        "translations": {
            "ar": {
                "name": "رصيد محفظة بقيمة 10 دولارات",
                "description": "يُضاف إلى محفظة سفر فورًا؛ استخدمه في أي حجز.",
            },
            "bn": {
                "name": "১০ ডলারের ওয়ালেট ক্রেডিট",
                "description": "সঙ্গে সঙ্গে আপনার সফর ওয়ালেটে যোগ হয়; যেকোনো বুকিংয়ে খরচ করুন।",
            },
            "ur": {
                "name": "10 ڈالر کا والیٹ کریڈٹ",
                "description": "فوراً آپ کے سفر والیٹ میں شامل ہو جاتا ہے؛ کسی بھی بکنگ پر خرچ کریں۔",  # noqa: E501
            },
        },
        "kind": "wallet_credit",
        "points_cost": 1000,
        "value_amount": Decimal(10),
        "value_currency": "USD",
    },
    {
        "name": "USD 25 off a booking",
        "description": "A voucher code to enter when you pay for a flight. Valid for a year.",
        "translations": {
            "ar": {
                "name": "خصم 25 دولارًا على حجز",
                "description": "رمز قسيمة تُدخله عند دفع ثمن رحلة. صالح لمدة عام.",
            },
            "bn": {
                "name": "একটি বুকিংয়ে ২৫ ডলার ছাড়",
                "description": "ফ্লাইটের টাকা দেওয়ার সময় লেখার জন্য একটি ভাউচার কোড। এক বছরের জন্য বৈধ।",  # noqa: E501
            },
            "ur": {
                "name": "ایک بکنگ پر 25 ڈالر کی رعایت",
                "description": "پرواز کی ادائیگی کرتے وقت درج کرنے کے لیے واؤچر کوڈ۔ ایک سال کے لیے کارآمد۔",  # noqa: E501
            },
        },
        "kind": "discount_voucher",
        "points_cost": 2000,
        "value_amount": Decimal(25),
        "value_currency": "USD",
    },
    {
        "name": "Airport lounge pass",
        "description": "One visit to a partner lounge before your flight.",
        "translations": {
            "ar": {
                "name": "تذكرة دخول صالة المطار",
                "description": "زيارة واحدة لصالة شريكة قبل رحلتك.",
            },
            "bn": {
                "name": "বিমানবন্দর লাউঞ্জ পাস",
                "description": "আপনার ফ্লাইটের আগে একটি পার্টনার লাউঞ্জে একবার প্রবেশ।",
            },
            "ur": {
                "name": "ایئرپورٹ لاؤنج پاس",
                "description": "اپنی پرواز سے پہلے کسی پارٹنر لاؤنج میں ایک بار داخلہ۔",
            },
        },
        "kind": "lounge_pass",
        "points_cost": 3000,
        "stock": 5,
        "min_tier": "silver",
    },
    {
        "name": "Cabin upgrade",
        "description": "Move up one cabin on a flight you booked with Safar, subject to seats.",
        "translations": {
            "ar": {
                "name": "ترقية الدرجة على متن الطائرة",
                "description": "انتقل إلى الدرجة الأعلى في رحلة حجزتها مع سفر، حسب توفر المقاعد.",
            },
            "bn": {
                "name": "কেবিন আপগ্রেড",
                "description": "সফরে বুক করা ফ্লাইটে এক ধাপ উপরের কেবিনে যান, আসন থাকা সাপেক্ষে।",
            },
            "ur": {
                "name": "کیبن اپ گریڈ",
                "description": "سفر سے بک کی گئی پرواز میں ایک درجہ اوپر کے کیبن میں جائیں، نشستوں کی دستیابی کے مطابق۔",  # noqa: E501
            },
        },
        "kind": "upgrade",
        "points_cost": 8000,
        "stock": 2,
        "min_tier": "gold",
    },
]

DEMO_EMAIL = "demo@safar.example"
DEMO_PASSWORD = "safar-demo-2026"  # noqa: S105 - printed for the quickstart on purpose
STAFF_EMAIL = "staff@safar.example"
STAFF_PASSWORD = "safar-staff-2026"  # noqa: S105

# The help desk's FAQ, written in the site's four languages (staff keep it up to date in the
# admin; seeding never overwrites their edits).
DEMO_FAQ = [
    {
        "category": "booking",
        "question_en": "How do I change my flight?",
        "answer_en": (
            "Flight changes are made by our team. Open a help ticket about the booking and tell "
            "us the new dates you want. We will send you the options, with any fare difference "
            "and change fee, and change nothing until you agree. Your booking's fare rules show "
            "whether your fare can be changed."
        ),
        "question_ar": "كيف يمكنني تغيير رحلتي؟",
        "answer_ar": (
            "يتولى فريقنا تغيير الرحلات. افتح طلب مساعدة بشأن الحجز واذكر التواريخ الجديدة التي "
            "تريدها. سنرسل إليك الخيارات المتاحة مع أي فرق في السعر ورسوم التغيير، ولن نغيّر شيئًا "
            "قبل موافقتك. وتبيّن قواعد السعر في حجزك ما إذا كان يمكن تغيير تذكرتك."
        ),
        "question_bn": "আমি কীভাবে আমার ফ্লাইট পরিবর্তন করব?",
        "answer_bn": (
            "ফ্লাইট পরিবর্তন আমাদের টিম করে দেয়। বুকিংটি নিয়ে একটি সহায়তা টিকিট খুলুন এবং আপনি "
            "কোন নতুন তারিখ চান তা জানান। আমরা ভাড়ার পার্থক্য ও পরিবর্তন ফি সহ বিকল্পগুলো পাঠাব, "
            "এবং আপনি রাজি না হওয়া পর্যন্ত কিছুই পরিবর্তন করব না। আপনার ভাড়া পরিবর্তন করা যায় "
            "কি না, তা বুকিংয়ের ভাড়ার নিয়মে দেখা যায়।"
        ),
        "question_ur": "میں اپنی پرواز کیسے تبدیل کروں؟",
        "answer_ur": (
            "پرواز میں تبدیلی ہماری ٹیم کرتی ہے۔ اس بکنگ کے بارے میں مدد کا ٹکٹ کھولیں اور بتائیں "
            "کہ آپ کون سی نئی تاریخیں چاہتے ہیں۔ ہم آپ کو کرایے کے فرق اور تبدیلی کی فیس سمیت "
            "دستیاب اختیارات بھیجیں گے، اور آپ کی رضامندی کے بغیر کچھ تبدیل نہیں کریں گے۔ آپ کا "
            "کرایہ تبدیل ہو سکتا ہے یا نہیں، یہ آپ کی بکنگ کے کرایے کے قواعد میں درج ہے۔"
        ),
    },
    {
        "category": "booking",
        "question_en": "How do I cancel my booking?",
        "answer_en": (
            "Open the booking from My bookings and choose to cancel it. Before you confirm, you "
            "see exactly how much you will get back and whether it goes to your card or to your "
            "Safar wallet. How much comes back depends on your fare's rules."
        ),
        "question_ar": "كيف ألغي حجزي؟",
        "answer_ar": (
            "افتح الحجز من صفحة حجوزاتي واختر إلغاءه. قبل أن تؤكد، سترى المبلغ الذي سيُعاد إليك "
            "بالضبط، وما إذا كان سيُردّ إلى بطاقتك أو إلى محفظة سفر. ويعتمد المبلغ المسترد على "
            "قواعد السعر الخاصة بتذكرتك."
        ),
        "question_bn": "আমি কীভাবে আমার বুকিং বাতিল করব?",
        "answer_bn": (
            "আমার বুকিং পাতা থেকে বুকিংটি খুলুন এবং বাতিল করার বিকল্প বেছে নিন। নিশ্চিত করার আগেই "
            "আপনি দেখতে পাবেন ঠিক কত টাকা ফেরত পাবেন এবং তা আপনার কার্ডে নাকি সফর ওয়ালেটে যাবে। "
            "কত টাকা ফেরত আসবে তা আপনার ভাড়ার নিয়মের উপর নির্ভর করে।"
        ),
        "question_ur": "میں اپنی بکنگ کیسے منسوخ کروں؟",
        "answer_ur": (
            "میری بکنگز کے صفحے سے بکنگ کھولیں اور اسے منسوخ کرنے کا انتخاب کریں۔ تصدیق سے پہلے آپ "
            "دیکھ لیں گے کہ آپ کو ٹھیک کتنی رقم واپس ملے گی اور وہ آپ کے کارڈ میں جائے گی یا سفر "
            "والیٹ میں۔ واپس ملنے والی رقم آپ کے کرایے کے قواعد پر منحصر ہے۔"
        ),
    },
    {
        "category": "payment",
        "question_en": "When will I get my refund?",
        "answer_en": (
            "A refund to your Safar wallet arrives as soon as the cancellation is confirmed. A "
            "refund to your card is sent the same day; most banks show it within 5 to 10 working "
            "days. If it has not arrived after 10 working days, open a help ticket about the "
            "booking and we will trace it."
        ),
        "question_ar": "متى سأسترد أموالي؟",
        "answer_ar": (
            "يصل المبلغ المسترد إلى محفظة سفر فور تأكيد الإلغاء. أما الاسترداد إلى بطاقتك فنرسله "
            "في اليوم نفسه، وتُظهره معظم البنوك خلال 5 إلى 10 أيام عمل. وإذا لم يصل بعد 10 أيام "
            "عمل، فافتح طلب مساعدة بشأن الحجز وسنتتبّعه."
        ),
        "question_bn": "আমি কখন আমার রিফান্ড পাব?",
        "answer_bn": (
            "বাতিল নিশ্চিত হওয়ার সঙ্গে সঙ্গেই সফর ওয়ালেটে রিফান্ড চলে আসে। কার্ডে রিফান্ড আমরা "
            "সেদিনই পাঠাই; বেশিরভাগ ব্যাংকে তা ৫ থেকে ১০ কার্যদিবসের মধ্যে দেখা যায়। ১০ কার্যদিবস "
            "পরেও না এলে বুকিংটি নিয়ে একটি সহায়তা টিকিট খুলুন, আমরা খোঁজ নিয়ে দেখব।"
        ),
        "question_ur": "مجھے میرا ریفنڈ کب ملے گا؟",
        "answer_ur": (
            "سفر والیٹ میں ریفنڈ منسوخی کی تصدیق ہوتے ہی آ جاتا ہے۔ کارڈ پر ریفنڈ ہم اسی دن بھیج "
            "دیتے ہیں؛ زیادہ تر بینکوں میں یہ 5 سے 10 کاروباری دنوں میں نظر آ جاتا ہے۔ اگر 10 "
            "کاروباری دنوں کے بعد بھی نہ ملے تو اس بکنگ کے بارے میں مدد کا ٹکٹ کھولیں، ہم اسے تلاش "
            "کریں گے۔"
        ),
    },
    {
        "category": "payment",
        "question_en": "How can I pay for a booking?",
        "answer_en": (
            "With a debit or credit card, or with the balance of your Safar wallet. You can save "
            "a card in your account to pay faster next time: we keep only a token from the "
            "payment provider, never the full card number."
        ),
        "question_ar": "كيف أدفع ثمن الحجز؟",
        "answer_ar": (
            "ببطاقة خصم أو بطاقة ائتمان، أو برصيد محفظة سفر. يمكنك حفظ بطاقة في حسابك لتدفع أسرع "
            "في المرة القادمة؛ فنحن نحتفظ فقط برمز من مزوّد الدفع، ولا نحتفظ أبدًا برقم البطاقة "
            "كاملًا."
        ),
        "question_bn": "বুকিংয়ের টাকা আমি কীভাবে দিতে পারি?",
        "answer_bn": (
            "ডেবিট বা ক্রেডিট কার্ড দিয়ে, অথবা আপনার সফর ওয়ালেটের ব্যালেন্স দিয়ে। পরের বার দ্রুত "
            "টাকা দিতে আপনার অ্যাকাউন্টে একটি কার্ড সেভ করে রাখতে পারেন; আমরা শুধু পেমেন্ট "
            "প্রদানকারীর দেওয়া একটি টোকেন রাখি, পুরো কার্ড নম্বর কখনো রাখি না।"
        ),
        "question_ur": "بکنگ کی ادائیگی کن طریقوں سے کی جا سکتی ہے؟",
        "answer_ur": (
            "ڈیبٹ یا کریڈٹ کارڈ سے، یا اپنے سفر والیٹ کے بیلنس سے۔ اگلی بار جلدی ادائیگی کے لیے آپ "
            "اپنے اکاؤنٹ میں کارڈ محفوظ کر سکتے ہیں؛ ہم ادائیگی فراہم کرنے والے کا صرف ایک ٹوکن "
            "رکھتے ہیں، کارڈ کا پورا نمبر کبھی نہیں۔"
        ),
    },
    {
        "category": "baggage",
        "question_en": "How much baggage can I take?",
        "answer_en": (
            "It depends on the airline and the fare. The checked baggage allowance is shown with "
            "each fare when you choose it, and on your booking afterwards. Most airlines also "
            "allow one cabin bag of about 7 kg; check your airline's limits for its size and for "
            "extra items."
        ),
        "question_ar": "ما كمية الأمتعة المسموح لي بها؟",
        "answer_ar": (
            "يعتمد ذلك على شركة الطيران ونوع السعر. يظهر وزن الأمتعة المسجّلة المسموح به مع كل سعر "
            "عند اختياره، ثم في صفحة حجزك. وتسمح معظم شركات الطيران أيضًا بحقيبة مقصورة واحدة "
            "بوزن 7 كغ تقريبًا؛ راجع حدود شركة الطيران لمقاسها وللأغراض الإضافية."
        ),
        "question_bn": "আমি কত লাগেজ নিতে পারি?",
        "answer_bn": (
            "এটি এয়ারলাইন ও ভাড়ার ধরনের উপর নির্ভর করে। প্রতিটি ভাড়া বেছে নেওয়ার সময় চেকড "
            "লাগেজের সীমা দেখানো হয়, পরে আপনার বুকিংয়েও তা থাকে। বেশিরভাগ এয়ারলাইন প্রায় ৭ "
            "কেজির একটি কেবিন ব্যাগও নিতে দেয়; ব্যাগের মাপ ও অতিরিক্ত জিনিসের নিয়ম আপনার "
            "এয়ারলাইনের কাছ থেকে জেনে নিন।"
        ),
        "question_ur": "مجھے کتنا سامان لے جانے کی اجازت ہے؟",
        "answer_ur": (
            "یہ ایئرلائن اور کرایے کی قسم پر منحصر ہے۔ چیک اِن سامان کی حد ہر کرایے کے ساتھ اسے "
            "منتخب کرتے وقت دکھائی جاتی ہے، اور بعد میں آپ کی بکنگ پر بھی۔ زیادہ تر ایئرلائنز "
            "تقریباً 7 کلو کا ایک کیبن بیگ بھی لے جانے دیتی ہیں؛ بیگ کے سائز اور اضافی اشیاء کی "
            "حدیں اپنی ایئرلائن سے معلوم کر لیں۔"
        ),
    },
    {
        "category": "baggage",
        "question_en": "When should I check in and get to the airport?",
        "answer_en": (
            "Online check-in is run by the airline and usually opens 24 to 48 hours before "
            "departure. Plan to be at the airport 3 hours before an international flight and 2 "
            "hours before a domestic one; bag drop often closes 60 minutes before departure."
        ),
        "question_ar": "متى يجب أن أسجّل للرحلة وأصل إلى المطار؟",
        "answer_ar": (
            "تتولى شركة الطيران تسجيل الوصول عبر الإنترنت، ويبدأ عادةً قبل الإقلاع بـ24 إلى 48 "
            "ساعة. احرص على الوصول إلى المطار قبل 3 ساعات من الرحلة الدولية وقبل ساعتين من الرحلة "
            "الداخلية؛ وغالبًا ما يُغلق تسليم الأمتعة قبل الإقلاع بـ60 دقيقة."
        ),
        "question_bn": "কখন চেক-ইন করব এবং কখন বিমানবন্দরে পৌঁছাব?",
        "answer_bn": (
            "অনলাইন চেক-ইন এয়ারলাইন পরিচালনা করে, সাধারণত ফ্লাইট ছাড়ার ২৪ থেকে ৪৮ ঘণ্টা আগে "
            "শুরু হয়। আন্তর্জাতিক ফ্লাইটের ৩ ঘণ্টা আগে এবং অভ্যন্তরীণ ফ্লাইটের ২ ঘণ্টা আগে "
            "বিমানবন্দরে পৌঁছানোর পরিকল্পনা করুন; লাগেজ জমা দেওয়ার কাউন্টার প্রায়ই ফ্লাইট "
            "ছাড়ার ৬০ মিনিট আগে বন্ধ হয়ে যায়।"
        ),
        "question_ur": "چیک اِن کب کروں اور ایئرپورٹ کب پہنچوں؟",
        "answer_ur": (
            "آن لائن چیک اِن ایئرلائن کرواتی ہے اور عموماً روانگی سے 24 سے 48 گھنٹے پہلے کھلتا ہے۔ "
            "بین الاقوامی پرواز سے 3 گھنٹے پہلے اور اندرونِ ملک پرواز سے 2 گھنٹے پہلے ایئرپورٹ "
            "پہنچنے کا منصوبہ بنائیں؛ سامان جمع کرانے کا کاؤنٹر اکثر روانگی سے 60 منٹ پہلے بند ہو "
            "جاتا ہے۔"
        ),
    },
    {
        "category": "loyalty",
        "question_en": "How do loyalty points work?",
        "answer_en": (
            "You earn Safar Rewards points on every flight you book with us. They are pending "
            "until you have flown; then you can spend them on rewards such as wallet credit, "
            "discount vouchers and lounge passes. The more you fly in a year, the higher your "
            "tier (Silver, Gold, Platinum) and the more points each booking earns. Points are "
            "valid for 24 months."
        ),
        "question_ar": "كيف تعمل نقاط الولاء؟",
        "answer_ar": (
            "تكسب نقاط مكافآت سفر على كل رحلة تحجزها معنا. تبقى النقاط معلّقة حتى تسافر، ثم يمكنك "
            "استبدالها بمكافآت مثل رصيد المحفظة وقسائم الخصم وتذاكر دخول الصالات. وكلما سافرت "
            "أكثر خلال العام ارتفع مستواك (الفضي، الذهبي، البلاتيني) وزادت النقاط التي يكسبها كل "
            "حجز. النقاط صالحة لمدة 24 شهرًا."
        ),
        "question_bn": "লয়্যালটি পয়েন্ট কীভাবে কাজ করে?",
        "answer_bn": (
            "আমাদের মাধ্যমে বুক করা প্রতিটি ফ্লাইটে আপনি সফর রিওয়ার্ডস পয়েন্ট পান। ভ্রমণ শেষ না "
            "হওয়া পর্যন্ত পয়েন্টগুলো অপেক্ষমাণ থাকে, তারপর ওয়ালেট ক্রেডিট, ছাড়ের ভাউচার বা "
            "লাউঞ্জ পাসের মতো পুরস্কারে খরচ করতে পারেন। এক বছরে যত বেশি ভ্রমণ করবেন, আপনার স্তর "
            "(সিলভার, গোল্ড, প্লাটিনাম) তত উঁচু হবে এবং প্রতিটি বুকিংয়ে তত বেশি পয়েন্ট পাবেন। "
            "পয়েন্টের মেয়াদ ২৪ মাস।"
        ),
        "question_ur": "لائلٹی پوائنٹس کیسے کام کرتے ہیں؟",
        "answer_ur": (
            "ہمارے ذریعے بک کی گئی ہر پرواز پر آپ کو سفر ریوارڈز پوائنٹس ملتے ہیں۔ سفر مکمل ہونے "
            "تک یہ پوائنٹس زیرِ التوا رہتے ہیں، پھر آپ انہیں والیٹ کریڈٹ، رعایتی واؤچر اور لاؤنج "
            "پاس جیسے انعامات پر خرچ کر سکتے ہیں۔ سال میں جتنا زیادہ سفر کریں گے، آپ کا درجہ "
            "(سلور، گولڈ، پلاٹینم) اتنا ہی بلند ہوگا اور ہر بکنگ پر اتنے ہی زیادہ پوائنٹس ملیں گے۔ "
            "پوائنٹس 24 ماہ تک کارآمد رہتے ہیں۔"
        ),
    },
    {
        "category": "loyalty",
        "question_en": "What is the Safar wallet and how do I use it?",
        "answer_en": (
            "Your wallet holds money in your Safar account: refunds you chose to receive there, "
            "rewards and credit for inviting friends. When you pay for a booking, you can choose "
            "to pay with your wallet balance. Every credit and payment is listed on the wallet "
            "page."
        ),
        "question_ar": "ما محفظة سفر وكيف أستخدمها؟",
        "answer_ar": (
            "تحفظ محفظتك رصيدًا في حسابك على سفر: المبالغ المستردة التي اخترت استلامها فيها، "
            "والمكافآت، ورصيد دعوة الأصدقاء. وعند دفع ثمن حجز يمكنك اختيار الدفع من رصيد محفظتك. "
            "وتجد كل إضافة ودفعة في صفحة المحفظة."
        ),
        "question_bn": "সফর ওয়ালেট কী এবং কীভাবে ব্যবহার করব?",
        "answer_bn": (
            "আপনার সফর অ্যাকাউন্টের ওয়ালেটে টাকা জমা থাকে: যে রিফান্ড আপনি ওয়ালেটে নিতে চেয়েছেন, "
            "পুরস্কার এবং বন্ধুদের আমন্ত্রণ জানিয়ে পাওয়া ক্রেডিট। বুকিংয়ের টাকা দেওয়ার সময় "
            "ওয়ালেটের ব্যালেন্স দিয়ে দেওয়া বেছে নিতে পারেন। প্রতিটি জমা ও খরচ ওয়ালেট পাতায় "
            "দেখতে পাবেন।"
        ),
        "question_ur": "سفر والیٹ کیا ہے اور اسے کیسے استعمال کروں؟",
        "answer_ur": (
            "آپ کا والیٹ آپ کے سفر اکاؤنٹ میں رقم رکھتا ہے: وہ ریفنڈ جو آپ نے والیٹ میں لینا چاہے، "
            "انعامات اور دوستوں کو مدعو کرنے کا کریڈٹ۔ بکنگ کی ادائیگی کرتے وقت آپ والیٹ کے بیلنس "
            "سے ادائیگی کا انتخاب کر سکتے ہیں۔ ہر جمع اور ادائیگی والیٹ کے صفحے پر درج ہوتی ہے۔"
        ),
    },
    {
        "category": "account",
        "question_en": "How do I delete my account?",
        "answer_en": (
            "Go to your profile and choose to delete your account; we ask you to confirm first. "
            "Your personal details are then removed, and records of past bookings and payments "
            "are kept only as long as the law requires. If you want a copy of your data, "
            "download it from your profile before you delete the account."
        ),
        "question_ar": "كيف أحذف حسابي؟",
        "answer_ar": (
            "انتقل إلى ملفك الشخصي واختر حذف الحساب، وسنطلب منك التأكيد أولًا. بعد ذلك تُحذف "
            "بياناتك الشخصية، ولا نحتفظ بسجلات الحجوزات والمدفوعات السابقة إلا للمدة التي يفرضها "
            "القانون. وإذا أردت نسخة من بياناتك، فنزّلها من ملفك الشخصي قبل حذف الحساب."
        ),
        "question_bn": "আমি কীভাবে আমার অ্যাকাউন্ট মুছে ফেলব?",
        "answer_bn": (
            "আপনার প্রোফাইলে গিয়ে অ্যাকাউন্ট মুছে ফেলার বিকল্প বেছে নিন; আমরা আগে আপনার "
            "নিশ্চিতকরণ চাইব। এরপর আপনার ব্যক্তিগত তথ্য মুছে ফেলা হয়, আর আগের বুকিং ও পেমেন্টের "
            "রেকর্ড শুধু আইন যতদিন রাখতে বলে ততদিনই রাখা হয়। আপনার তথ্যের একটি কপি চাইলে "
            "অ্যাকাউন্ট মুছে ফেলার আগে প্রোফাইল থেকে ডাউনলোড করে নিন।"
        ),
        "question_ur": "میں اپنا اکاؤنٹ کیسے حذف کروں؟",
        "answer_ur": (
            "اپنی پروفائل میں جائیں اور اکاؤنٹ حذف کرنے کا انتخاب کریں؛ ہم پہلے آپ سے تصدیق "
            "مانگیں گے۔ اس کے بعد آپ کی ذاتی معلومات ہٹا دی جاتی ہیں، اور پچھلی بکنگز اور "
            "ادائیگیوں کا ریکارڈ صرف اتنی مدت تک رکھا جاتا ہے جتنی قانون کا تقاضا ہو۔ اگر آپ اپنے "
            "ڈیٹا کی نقل چاہتے ہیں تو اکاؤنٹ حذف کرنے سے پہلے اسے اپنی پروفائل سے ڈاؤن لوڈ کر لیں۔"
        ),
    },
    {
        "category": "account",
        "question_en": "How do I change the language of the site?",
        "answer_en": (
            "Choose English, العربية, বাংলা or اردو from the language menu at the top of any "
            "page. When you are signed in, we remember your choice and also write to you in that "
            "language."
        ),
        "question_ar": "كيف أغيّر لغة الموقع؟",
        "answer_ar": (
            "اختر English أو العربية أو বাংলা أو اردو من قائمة اللغات أعلى أي صفحة. وعند تسجيل "
            "دخولك نتذكّر اختيارك ونراسلك أيضًا بتلك اللغة."
        ),
        "question_bn": "সাইটের ভাষা কীভাবে পরিবর্তন করব?",
        "answer_bn": (
            "যেকোনো পাতার উপরের ভাষার মেনু থেকে English, العربية, বাংলা বা اردو বেছে নিন। সাইন ইন "
            "করা থাকলে আমরা আপনার পছন্দ মনে রাখি এবং ইমেলও সেই ভাষাতেই পাঠাই।"
        ),
        "question_ur": "میں سائٹ کی زبان کیسے تبدیل کروں؟",
        "answer_ur": (
            "کسی بھی صفحے کے اوپر زبان کے مینو سے English، العربية، বাংলা یا اردو منتخب کریں۔ "
            "سائن اِن ہونے پر ہم آپ کا انتخاب یاد رکھتے ہیں اور آپ کو ای میلز بھی اسی زبان میں "
            "بھیجتے ہیں۔"
        ),
    },
]

DEMO_TRIP_NAME = "A long weekend in Istanbul"
DEMO_TICKET_SUBJECT = "VAT invoice for my Dubai–London flight"


class Command(BaseCommand):
    help = "Load reference data and demo accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--days", type=int, default=14, help="Days of flights from today (default 14)."
        )
        parser.add_argument(
            "--routes",
            type=int,
            default=None,
            help="One-way routes (default: the curated city pairs, both ways).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with known passwords; DEBUG is off.")
        airlines = airlines_load()
        airports = airports_load()
        flights, fares = schedule_generate(days=options["days"], routes_count=options["routes"])
        exchange_rates_refresh()
        with transaction.atomic():
            self._programmes()
            customer = self._demo_customer()
            self._flown_trip(customer)
            staff = self._staff()
            self._faq()
            self._trips(customer)
            self._ticket(customer, staff)
        self.stdout.write(self.style.SUCCESS(f"{airlines} airlines, {airports} airports loaded."))
        self.stdout.write(
            self.style.SUCCESS(f"Schedule: {flights} new flights with {fares} fares.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo customer: {DEMO_EMAIL} / {DEMO_PASSWORD}  (sign in at /accounts/login/)"
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Staff: {STAFF_EMAIL} / {STAFF_PASSWORD}  (/admin/)"))

    def _user(self, email, password, **extra):
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _demo_customer(self):
        user = self._user(DEMO_EMAIL, DEMO_PASSWORD, first_name="Layla", last_name="Rahman")
        customer = customer_for_user(user=user)
        today = timezone.localdate()
        if not customer.profile.passport_number:
            customer_services.customer_update(
                customer=customer,
                customer_fields={"phone": "+971501234567", "preferred_currency": "AED"},
            )
            customer_services.customer_profile_update(
                customer=customer,
                fields={
                    "date_of_birth": dt.date(1990, 4, 12),
                    "gender": "female",
                    "nationality": "BD",
                    "passport_number": "BX1234567",
                    "passport_country": "BD",
                    "passport_expiry": today.replace(year=today.year + 6),
                    "emergency_contact_name": "Karim Rahman",
                    "emergency_contact_phone": "+8801712345678",
                    "emergency_contact_relation": "Brother",
                    "city": "Dubai",
                    "country": "AE",
                },
            )
        if not TravelCompanion.objects.filter(customer=customer).exists():
            customer_services.travel_companion_create(
                customer=customer,
                fields={
                    "given_names": "Omar",
                    "surname": "Rahman",
                    "relationship": "spouse",
                    "date_of_birth": dt.date(1987, 9, 3),
                    "nationality": "BD",
                    "gender": "male",
                    "passport_number": "BX7654321",
                    "passport_country": "BD",
                    "passport_expiry": today.replace(year=today.year + 4),
                },
            )
            customer_services.travel_companion_create(
                customer=customer,
                fields={
                    "given_names": "Sara",
                    "surname": "Rahman",
                    "relationship": "child",
                    "date_of_birth": today.replace(year=today.year - 7),
                    "nationality": "BD",
                    "gender": "female",
                },
            )
        # Enough points to redeem a reward at once (earned points wait until a trip is flown).
        loyalty_points_grant(
            customer=customer,
            points=1500,
            reason="Welcome to Safar Rewards (demo)",
            idempotency_key=f"demo:welcome-points:{customer.pk}",
        )
        if not FrequentFlyerNumber.objects.filter(customer=customer).exists():
            customer_services.frequent_flyer_number_add(
                customer=customer, airline=Airline.objects.get(iata_code="EK"), number="EK123456789"
            )
        return customer

    def _flown_trip(self, customer):
        """A trip the demo customer has flown (Dubai to London three weeks ago), so that a
        verified review can be written at once (/reviews/write/). Demo data, written directly:
        it was never held or paid through the site."""
        if Booking.objects.filter(reference=DEMO_FLOWN_REFERENCE).exists():
            return
        departure = (timezone.now() - dt.timedelta(days=21)).replace(
            hour=4, minute=30, second=0, microsecond=0
        )
        dubai, london = Airport.objects.get(iata_code="DXB"), Airport.objects.get(iata_code="LHR")
        flight = Flight.objects.create(
            airline=Airline.objects.get(iata_code="EK"), number=1, aircraft="Boeing 777-300ER",
            origin=dubai, destination=london,
            departure_at=departure, arrival_at=departure + dt.timedelta(hours=7, minutes=40),
            distance_km=5491,
        )  # fmt: skip
        fare = Fare.objects.create(
            flight=flight, cabin="economy", brand="Classic", base_fare=Decimal("1450.00"),
            taxes=Decimal("385.00"), currency="AED", seats_available=0, checked_baggage_kg=30,
        )  # fmt: skip
        booking = Booking.objects.create(
            reference=DEMO_FLOWN_REFERENCE, customer=customer, status=Booking.Status.CONFIRMED,
            held_until=departure - dt.timedelta(days=30), currency="AED", fare_currency="AED",
            base_total=fare.base_fare, taxes_total=fare.taxes, total=fare.base_fare + fare.taxes,
            contact_email=customer.user.email, departure_at=departure,
            confirmed_at=departure - dt.timedelta(days=30),
            completed_at=departure + dt.timedelta(hours=8),
        )  # fmt: skip
        BookingSegment.objects.create(
            booking=booking, fare=fare, flight=flight, direction=BookingSegment.Direction.OUTBOUND,
            position=0, cabin=fare.cabin, brand=fare.brand, adult_base=fare.base_fare,
            adult_taxes=fare.taxes, refundable=False, refund_fee=Decimal(0),
        )  # fmt: skip
        Passenger.objects.create(
            booking=booking, type=Passenger.Type.ADULT, given_names="Layla", surname="Rahman",
            date_of_birth=dt.date(1990, 4, 12), position=0, passport_number="BX1234567",
        )  # fmt: skip

    def _programmes(self):
        """The loyalty programme and its rewards, the referral programme, a partner site."""
        if not LoyaltyProgram.objects.filter(is_active=True).exists():
            LoyaltyProgram.objects.create(
                name="Safar Rewards",
                currency="USD",
                points_per_unit=Decimal(1),
                silver_threshold=2000,
                gold_threshold=5000,
                platinum_threshold=10000,
                bronze_multiplier=Decimal("1.00"),
                silver_multiplier=Decimal("1.25"),
                gold_multiplier=Decimal("1.50"),
                platinum_multiplier=Decimal("2.00"),
                tier_benefits={
                    "bronze": ["free_seat_selection"],
                    "silver": ["free_seat_selection", "priority_support", "bonus_points"],
                    "gold": [
                        "free_seat_selection",
                        "priority_support",
                        "bonus_points",
                        "extra_baggage",
                        "priority_boarding",
                    ],
                    "platinum": [
                        "free_seat_selection",
                        "priority_support",
                        "bonus_points",
                        "extra_baggage",
                        "priority_boarding",
                        "lounge_access",
                        "free_changes",
                        "dedicated_agent",
                    ],
                },  # fmt: skip
                points_validity_months=24,
                qualification_months=12,
            )
        for position, reward in enumerate(DEMO_REWARDS):
            Reward.objects.get_or_create(
                name=reward["name"], defaults={**reward, "position": position}
            )
        if not ReferralProgram.objects.filter(is_active=True).exists():
            ReferralProgram.objects.create(
                name="Invite a friend",
                reward_kind=ReferralProgram.RewardKind.WALLET_CREDIT,
                referrer_amount=Decimal(10),
                referee_amount=Decimal(10),
                currency="USD",
                max_rewards_per_referrer=10,
            )
        AffiliatePartner.objects.get_or_create(
            code="desert-blog",
            defaults={
                "name": "Desert Travel Blog",
                "commission_rate": Decimal("0.0300"),
                "contact_email": "partners@desert-blog.example",
            },
        )

    def _staff(self):
        user = self._user(STAFF_EMAIL, STAFF_PASSWORD, first_name="Safar", last_name="Staff")
        if not user.is_staff:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        return user

    def _faq(self):
        """The help desk's questions in four languages (an entry staff edited stays as is)."""
        positions: dict[str, int] = {}
        for entry in DEMO_FAQ:
            position = positions[entry["category"]] = positions.get(entry["category"], -1) + 1
            FAQ.objects.get_or_create(
                question_en=entry["question_en"], defaults={**entry, "position": position}
            )

    def _trips(self, customer):
        """Through the trip services, as the customer would: the flown booking's trip, and a
        trip planned ahead with a couple of activities."""
        booking = (
            Booking.objects.filter(customer=customer, status=Booking.Status.CONFIRMED)
            .order_by("departure_at", "id")
            .first()
        )
        if booking is not None:
            # Attaching it again answers the trip it is already in: the demo keeps one.
            trip_attach_booking(customer=customer, booking_id=booking.pk)
        if Trip.objects.filter(owner=customer, name=DEMO_TRIP_NAME).exists():
            return
        start = timezone.localdate() + dt.timedelta(days=30)
        trip = trip_create(
            customer=customer, name=DEMO_TRIP_NAME, start_date=start,
            end_date=start + dt.timedelta(days=3), destination_codes=["IST"], currency="USD",
        )  # fmt: skip
        activity_create(
            customer=customer, trip_id=trip.pk, day_date=start,
            title="Hagia Sophia and the Blue Mosque", place="Sultanahmet",
            start_time=dt.time(9, 30), end_time=dt.time(12, 0),
        )  # fmt: skip
        activity_create(
            customer=customer, trip_id=trip.pk, day_date=start + dt.timedelta(days=1),
            title="Bosphorus boat tour", place="Eminönü pier", start_time=dt.time(14, 0),
            end_time=dt.time(16, 0), cost=Decimal(25), cost_currency="USD",
        )  # fmt: skip

    def _ticket(self, customer, staff):
        """A help-desk ticket about the flown booking, answered by staff, with a note for staff."""
        if SupportTicket.objects.filter(customer=customer, subject=DEMO_TICKET_SUBJECT).exists():
            return
        booking = Booking.objects.filter(reference=DEMO_FLOWN_REFERENCE, customer=customer).first()
        ticket = ticket_open(
            customer=customer,
            subject=DEMO_TICKET_SUBJECT,
            category=SupportTicket.Category.BOOKING,
            body=(
                "Hello, could you send me an invoice showing the VAT for my flight from Dubai to "
                "London? My employer needs it for my expenses. Thank you!"
            ),
            booking_id=booking.pk if booking else None,
        )
        ticket_assign(staff_user=staff, ticket_id=ticket.pk, assignee_id=staff.pk)
        staff_reply(
            staff_user=staff, ticket_id=ticket.pk, internal=True,
            body="Invoice with VAT requested from Emirates revenue accounting.",
        )  # fmt: skip
        staff_reply(
            staff_user=staff,
            ticket_id=ticket.pk,
            body=(
                "Hello Layla, thank you for writing. We have asked the airline for an invoice "
                "with the VAT shown and will send it here within two working days."
            ),
        )
