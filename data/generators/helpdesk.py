"""The Northwind Cloud help desk (tasks `helpdesk` and `preferences`).

About 120 facts, each with one fixed answer and either task phrases or written questions; chats that ask about them,
and preference pairs of a good answer against a worse one of a known kind.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .common import Row, cap, chat, preference_row, rng_for


@dataclass(frozen=True)
class Fact:
    """One help-desk fact: its topic, an article title, the fixed answer, and how customers ask about it."""

    key: str
    topic: str
    title: str
    answer: str
    actions: tuple[str, ...] = ()  # verb phrases that fill HOW_FRAMES ("reset my password")
    questions: tuple[str, ...] = ()  # full questions, for facts that are not "how do I" tasks


FACTS: list[Fact] = []


def do(topic: str, key: str, title: str, actions: list[str], answer: str) -> None:
    """Register a task fact: customers ask how to do one of `actions`."""
    FACTS.append(Fact(key, topic, title, answer, actions=tuple(actions)))


def ask(topic: str, key: str, title: str, questions: list[str], answer: str) -> None:
    """Register a question fact: customers ask one of `questions`."""
    FACTS.append(Fact(key, topic, title, answer, questions=tuple(questions)))


HOW_FRAMES = (
    "How do I {a}?", "How can I {a}?", "What are the steps to {a}?", "Can you tell me how to {a}?",
    "I want to {a}. What should I do?", "Is there a way to {a}?", "Where do I go to {a}?", "Please explain how to {a}.",
    "I need to {a}. How does that work?", "What is the easiest way to {a}?", "Could you help me {a}?",
    "How would I {a}?",
)  # fmt: skip
QUESTION_OPENERS = ("", "", "", "", "Hi. ", "Hello! ", "Quick question. ", "Good morning. ")
QUESTION_CLOSERS = ("", "", "", "", " Thanks.", " Thank you!", " Thanks in advance.")

# fmt: off
# -- accounts
do("account", "change_email", "Changing the email address of an account",
   ["change the email address on my account", "update my login email", "use a different email for my account"],
   "Open Settings > Account, enter the new address under Email and click Save. We send a confirmation link to the "
   "new address, and the change takes effect once you click it.")
do("account", "change_name", "Changing your display name",
   ["change my display name", "edit the name shown on my profile", "update my name"],
   "Open Settings > Account, edit the Name field and click Save. The new name appears across your workspace within "
   "a few minutes.")
do("account", "delete_account", "Deleting an account",
   ["delete my account", "close my Northwind Cloud account for good", "remove my account and all my data"],
   "The account owner can delete it in Settings > Account > Delete account. The account can be restored for 30 "
   "days, and after that all files and data are erased.")
ask("account", "restore_account", "Restoring a deleted account",
    ["I deleted my account by mistake. Can I get it back?", "Is it possible to restore an account I deleted last week?",
     "Can a deleted account be recovered?", "How long do I have to undo an account deletion?",
     "I closed my account yesterday and regret it. What now?", "Can support bring back my deleted account?",
     "Is my deleted account gone forever?"],
    "A deleted account can be restored within 30 days of deletion. Sign in with your usual email and password and "
    "click Restore account on the banner.")
do("account", "time_zone", "Setting your time zone",
   ["change my time zone", "set the correct time zone", "fix the times shown on my files"],
   "Open Settings > Account > Region and pick your time zone from the list. All dates and times in the console "
   "update right away.")
do("account", "language", "Changing the display language",
   ["change the language of the console", "switch the interface to another language", "use the console in Spanish"],
   "Open Settings > Account > Region and choose a language under Display language. The console supports English, "
   "Spanish, French, German and Portuguese.")
ask("account", "merge_accounts", "Merging two accounts",
    ["Can I merge two Northwind Cloud accounts?", "I have two accounts. Can they be combined into one?",
     "Is there a way to join my personal and work accounts?", "How do I merge my old account into my new one?",
     "Can you combine the files from my two accounts?", "Do you support merging accounts?"],
    "Accounts cannot be merged. You can export the files from one account in Settings > Data > Export and upload "
    "them to the other.")
ask("account", "verify_email", "Verifying your email address",
    ["I never got the email to verify my account.", "Where is my verification email?",
     "The account confirmation email did not arrive. What do I do?", "How do I resend the verification email?",
     "My sign-up email link never came.", "Can you send the confirmation email again?"],
    "Check your spam folder first, then click Resend email on the sign-in page. Verification links stay valid for "
    "24 hours.")
ask("account", "account_locked", "Locked accounts after failed sign-ins",
    ["My account is locked after too many login attempts.", "Why can't I sign in? It says account locked.",
     "How long does an account lockout last?", "I typed the wrong password several times and now I am locked out.",
     "What happens after five failed logins?", "My login is blocked. What should I do?"],
    "After 5 failed sign-in attempts the account is locked for 15 minutes. Wait for the lock to end, or reset your "
    "password to unlock it at once.")
do("account", "sign_up", "Creating an account",
   ["create a Northwind Cloud account", "sign up for Northwind Cloud", "open a new account"],
   "Click Sign up on the home page, enter your work email and choose a password of at least 12 characters. Every "
   "new account starts on the Free plan.")
do("account", "transfer_owner", "Transferring workspace ownership",
   ["transfer ownership of my workspace", "make another person the account owner",
    "hand over the owner role to a colleague"],
   "The current owner opens Settings > Team, selects a member and clicks Make owner. The new owner must be an Admin "
   "and must accept the change by email.")
do("account", "rename_workspace", "Renaming a workspace",
   ["rename my workspace", "change the name of our workspace", "edit the workspace name"],
   "An Owner or Admin can rename the workspace in Settings > Workspace > General. The workspace address stays the "
   "same after a rename.")
do("account", "profile_photo", "Adding a profile photo",
   ["add a profile photo", "change my avatar", "upload a picture for my profile"],
   "Open Settings > Account, click your current picture and upload a JPG or PNG file of up to 5 MB.")
do("account", "notifications", "Choosing email notifications",
   ["turn off email notifications", "stop getting so many emails from Northwind Cloud",
    "change which notifications I receive"],
   "Open Settings > Notifications and switch off the emails you do not want. Security and billing emails cannot be "
   "turned off.")
do("account", "sso", "Single sign-on",
   ["set up single sign-on", "turn on SSO for our team", "connect our identity provider"],
   "Single sign-on is available on the Business and Enterprise plans. An Admin sets it up in Settings > Security > "
   "Single sign-on with the details from your identity provider.")

# -- passwords and sign-in
do("password", "reset_password", "Resetting a forgotten password",
   ["reset my password", "recover a forgotten password", "get a new password because I forgot mine"],
   "Click Forgot password on the sign-in page and enter your email. We send a reset link that stays valid for 30 "
   "minutes.")
do("password", "change_password", "Changing your password",
   ["change my password", "update my current password", "set a new password while I am logged in"],
   "Open Settings > Security > Password, enter your current password and then the new one twice. Your other "
   "devices are signed out after the change.")
ask("password", "password_rules", "Password requirements",
    ["What are the password requirements?", "How long does my password need to be?",
     "Why is my new password rejected?", "What makes a valid password?", "Is there a minimum password length?",
     "Which passwords does Northwind Cloud accept?"],
    "Passwords need at least 12 characters and cannot match any of your last 5 passwords. Long passphrases are "
    "accepted and encouraged.")
ask("password", "reset_link_expired", "Expired password reset links",
    ["My password reset link does not work.", "The reset link says it has expired.",
     "Why is my password reset link invalid?", "I clicked the reset email but got an error.",
     "How long is a reset link valid?", "The link to reset my password is dead. Help?"],
    "Reset links expire after 30 minutes and work only once. Request a new link from the Forgot password page and "
    "use the latest email.")
ask("password", "reset_email_missing", "Missing password reset emails",
    ["I never received the password reset email.", "Where is my password reset email?",
     "The reset email is not in my inbox.", "No reset email arrived after I clicked Forgot password.",
     "Why don't I get the password reset message?", "The password reset mail never came."],
    "Check the spam folder and make sure you typed the email used for the account. If nothing arrives within 10 "
    "minutes, contact support from the Help menu.")
do("password", "sign_out_all", "Signing out of every device",
   ["sign out of all devices", "log out everywhere at once", "end all my active sessions"],
   "Open Settings > Security > Sessions and click Sign out of all sessions. You stay signed in only on the device "
   "you are using.")
ask("password", "admin_reset", "Password resets by admins",
    ["Can an admin reset a password for a team member?", "As an admin, how do I reset someone else's password?",
     "My colleague forgot her password. Can I reset it for her?", "Can workspace admins change user passwords?",
     "How do admins help a member who cannot log in?", "Is it possible to force a password reset for a user?"],
    "Admins cannot see or set passwords, but they can send a reset link from Settings > Team by choosing the member "
    "and clicking Send password reset.")
ask("password", "suspicious_login", "Sign-ins you do not recognise",
    ["I got an email about a sign-in I did not make.", "Someone logged into my account from another country.",
     "What should I do about a suspicious login alert?", "I think my account was hacked.",
     "There is a login I do not recognise on my account.", "My account may be compromised. What now?"],
    "Change your password at once and sign out of all sessions in Settings > Security. Then turn on two-factor "
    "authentication and tell support so we can review the activity.")

# -- two-factor authentication
do("2fa", "enable_2fa", "Turning on two-factor authentication",
   ["turn on two-factor authentication", "enable 2FA", "add a second sign-in step to my account"],
   "Open Settings > Security > Two-factor authentication and click Enable. Scan the code with an authenticator app "
   "and enter the 6-digit code to finish.")
do("2fa", "disable_2fa", "Turning off two-factor authentication",
   ["turn off two-factor authentication", "disable 2FA", "remove the second sign-in step"],
   "Open Settings > Security > Two-factor authentication, click Disable and confirm with a current code. If your "
   "team requires 2FA, only an Admin can remove that rule.")
ask("2fa", "lost_phone", "Losing the phone you use for 2FA",
    ["I lost my phone and cannot get my 2FA code.", "How do I sign in without my authenticator app?",
     "My phone was stolen and I use it for two-factor codes.", "I got a new phone and my 2FA codes are gone.",
     "What if I lose access to my second factor?", "I can't log in because my authenticator app is on my old phone."],
    "Sign in with one of your backup codes and set up 2FA again on the new phone. If you have no backup codes, "
    "support can verify your identity, which takes 2 business days.")
ask("2fa", "backup_codes", "Two-factor backup codes",
    ["Where do I find my backup codes?", "How do I get new 2FA backup codes?", "How many backup codes do I get?",
     "I used all my backup codes. What now?", "Can I print my recovery codes?",
     "Where are the 2FA recovery codes kept?"],
    "Open Settings > Security > Two-factor authentication and click Backup codes to view or print them. You get 10 "
    "codes, each works once, and you can create a new set at any time.")
ask("2fa", "sms_codes", "Two-factor codes by text message",
    ["Can I get 2FA codes by text message?", "Do you support SMS for two-factor authentication?",
     "Is SMS two-factor available?", "I do not have an authenticator app. Can I use my phone number?",
     "Can the 2FA code come by SMS?", "Which 2FA methods do you support?"],
    "Yes, you can choose SMS codes or an authenticator app when you enable 2FA. We recommend an authenticator app "
    "because it works without a mobile signal.")
do("2fa", "require_2fa", "Requiring 2FA for a team",
   ["require two-factor authentication for my whole team", "force 2FA for all members",
    "make 2FA mandatory in our workspace"],
   "An Admin opens Settings > Security and turns on Require 2FA for all members. Members without 2FA are asked to "
   "set it up at their next sign-in.")
ask("2fa", "code_rejected", "Rejected two-factor codes",
    ["My 2FA code is always rejected.", "Why does the six-digit code not work?",
     "The authenticator code says invalid.", "Two-factor codes keep failing for me.",
     "My codes from the app are wrong every time.", "Why is my two-factor code not accepted?"],
    "Codes fail most often when the phone clock is wrong. Set your phone to automatic time, wait for a fresh code "
    "and try again.")
ask("2fa", "security_keys", "Hardware security keys",
    ["Can I use a hardware security key?", "Do you support security keys for sign-in?",
     "Can I log in with a USB key?", "Is a physical security key supported?",
     "How do I add a security key to my account?", "Do security keys work with Northwind Cloud?"],
    "Yes, security keys work on all paid plans. Add one in Settings > Security > Two-factor authentication under "
    "Security keys.")

# -- billing
ask("billing", "billing_date", "When you are charged",
    ["When will I be charged each month?", "What day is my card billed?", "On which date do you take payment?",
     "When does my monthly charge happen?", "What is my billing date?", "When is the subscription fee collected?"],
    "Monthly plans are charged on the 1st of each month for the month ahead. Annual plans are charged once a year on "
    "the date you upgraded.")
do("billing", "update_card", "Updating your payment card",
   ["update my credit card", "change the card you charge", "replace my expired card"],
   "Open Settings > Billing > Payment method and click Replace card. The new card is used from the next charge.")
ask("billing", "payment_methods", "Accepted payment methods",
    ["Which payment methods do you accept?", "Can I pay by bank transfer?", "What ways can I pay for Northwind Cloud?",
     "Do you take direct debit?", "Can I pay without a credit card?", "How can I pay my bill?"],
    "We accept credit and debit cards on all plans. Bank transfer and direct debit are available on the Business "
    "and Enterprise plans.")
ask("billing", "failed_payment", "Failed payments",
    ["My payment failed. What happens now?", "Why was my card declined?",
     "What happens if a charge does not go through?", "I got an email that my payment failed.",
     "Will my account stop if the payment fails?", "The monthly charge was declined."],
    "We retry a failed payment after 3 days and email you each time. If it still fails after 14 days, the workspace "
    "becomes read-only until the balance is paid.")
ask("billing", "currency", "Billing currencies",
    ["Can I be billed in euros?", "Which currencies can I pay in?", "How do I change my billing currency?",
     "Do you bill in pounds?", "Is it possible to pay in a currency other than dollars?",
     "Can I switch from dollars to euros?"],
    "We bill in US dollars, euros or British pounds. You can change the currency in Settings > Billing before the "
    "next charge, but not in the middle of a billing period.")
do("billing", "billing_email", "Changing the billing contact",
   ["change the billing email", "send invoices to our finance team", "update the email that receives invoices"],
   "Open Settings > Billing > Billing contact and enter the new address. Invoices and payment emails go to that "
   "address from then on.")
do("billing", "billing_address", "Changing the billing address",
   ["change the billing address", "update the company address on invoices", "fix the address on my bills"],
   "Open Settings > Billing > Billing details and edit the address. The change applies to new invoices, and past "
   "invoices keep the old address.")
ask("billing", "double_charge", "Double charges",
    ["I was charged twice this month.", "Why do I see two charges from Northwind Cloud?",
     "There is a duplicate payment on my card.", "You billed me two times for the same month.",
     "My bank shows a double charge.", "I paid twice by mistake."],
    "A second charge is usually a pending card check that disappears within 5 days. If both charges are final, "
    "contact billing support and we refund the duplicate within 5 business days.")
ask("billing", "proration", "Prorated charges",
    ["Am I charged for the full month if I upgrade in the middle?",
     "How does billing work when I add users mid-month?", "Do you prorate plan changes?",
     "What do I pay when I upgrade halfway through the month?", "Is an upgrade charged pro rata?",
     "How are new seats billed during the month?"],
    "Upgrades and new seats are prorated, so you pay only for the days left in the current period. The prorated "
    "amount appears on your next invoice.")
do("billing", "annual_billing", "Annual billing",
   ["switch to annual billing", "pay yearly instead of monthly", "move to a yearly subscription"],
   "Open Settings > Billing > Plan and choose Annual billing. Paying yearly saves 20% compared with monthly billing.")
do("billing", "billing_history", "Your billing history",
   ["see my past payments", "view my billing history", "find all my earlier charges"],
   "Open Settings > Billing > History to see every charge, refund and invoice from the last 7 years.")
do("billing", "pay_overdue", "Paying an overdue balance",
   ["pay an overdue balance", "settle an unpaid invoice", "clear the amount I owe"],
   "Open Settings > Billing and click Pay now on the overdue invoice. The workspace returns to normal within a few "
   "minutes of a successful payment.")
ask("billing", "po_number", "Purchase order numbers",
    ["Can you add our purchase order number to invoices?", "Where do I put a PO number?",
     "Our finance team needs a PO number on each bill.", "Is there a field for a purchase order?",
     "How do I show our PO number on the invoice?", "Can invoices include a purchase order reference?"],
    "Yes, enter it in Settings > Billing > Billing details under PO number. It appears on every invoice issued after "
    "you save it.")

# -- invoices
do("invoices", "download_invoice", "Downloading invoices",
   ["download an invoice", "get a PDF of my invoice", "find my latest invoice"],
   "Open Settings > Billing > Invoices and click Download next to the invoice you need. Every invoice is a PDF and "
   "is also emailed to the billing contact.")
ask("invoices", "invoice_date", "When invoices are issued",
    ["When are invoices issued?", "What day do I get my invoice?", "When does the monthly invoice arrive?",
     "How often do you send invoices?", "On what date is the invoice created?", "When will this month's bill come?"],
    "Invoices are issued on the 1st of each month, the same day as the charge, and emailed within an hour.")
ask("invoices", "invoice_details", "Correcting invoice details",
    ["The company name on my invoice is wrong.", "Can you fix the name on an old invoice?",
     "How do I correct details on an invoice?", "My invoice shows the wrong company address.",
     "Can an invoice be changed after it was issued?", "I need a corrected invoice for our accountant."],
    "Update the details in Settings > Billing > Billing details, then click Reissue on the invoice. A reissued "
    "invoice keeps the same number and shows the new details.")
do("invoices", "invoice_csv", "Exporting invoices to CSV",
   ["export all invoices to CSV", "download a list of invoices for our accountant",
    "get invoice data as a spreadsheet"],
   "Open Settings > Billing > Invoices and click Export CSV. The file lists every invoice with its date, number, "
   "amount and tax.")
ask("invoices", "invoice_number", "Invoice numbers",
    ["Where is the invoice number?", "How do I find an invoice number?", "What format do invoice numbers have?",
     "Which number should I quote for an invoice?", "Where can I see the number of my invoice?",
     "What does the invoice number look like?"],
    "The invoice number is at the top right of each PDF and in the Invoices list. It starts with NW followed by 8 "
    "digits.")
ask("invoices", "payment_terms", "Invoice payment terms",
    ["How many days do I have to pay an invoice?", "What are your payment terms?", "When is an invoice due?",
     "How long can I wait before paying by bank transfer?", "What is the due date on invoices?",
     "Do invoices have to be paid right away?"],
    "Card payments are taken on the invoice date. Invoices paid by bank transfer are due within 30 days.")
ask("invoices", "invoice_missing", "Missing invoices",
    ["I did not get this month's invoice.", "Where is my invoice for last month?",
     "The invoice email never reached me.", "Why didn't I receive an invoice?",
     "Our finance team says no invoice arrived.", "I cannot find the invoice in my email."],
    "Invoices go to the billing contact in Settings > Billing. You can always download any invoice from Settings > "
    "Billing > Invoices.")

# -- refunds
ask("refunds", "refund_policy", "The refund policy",
    ["What is your refund policy?", "Can I get my money back?", "Do you give refunds?",
     "Are payments refundable?", "In which cases do you refund a payment?", "Is there a money-back guarantee?"],
    "Annual plans can be refunded in full within 14 days of payment. Monthly plans are not refunded, but cancelling "
    "stops all future charges.")
do("refunds", "request_refund", "Requesting a refund",
   ["ask for a refund", "request a refund for my annual plan", "get a refund on my last payment"],
   "Open Settings > Billing > History, choose the payment and click Request refund. Billing support replies within "
   "1 business day.")
ask("refunds", "refund_time", "How long refunds take",
    ["How long does a refund take?", "When will I see my refund?", "My refund has not arrived yet.",
     "How many days until the refund reaches my card?", "The refund was approved but I have not got the money.",
     "When does a refund show up in my bank?"],
    "Refunds are sent within 5 business days of approval. Your bank may take up to 10 more days to show the money.")
ask("refunds", "refund_cancel", "Refunds after cancelling",
    ["Do I get money back if I cancel mid-month?", "Will you refund unused days after I cancel?",
     "If I cancel today, is the rest of the month refunded?", "What happens to my payment when I cancel?",
     "Do you refund the remaining days of a monthly plan?", "Is there a partial refund when cancelling?"],
    "Cancelling a monthly plan does not refund the current month, and you keep access until the period ends. Annual "
    "plans cancelled within 14 days get a full refund.")
ask("refunds", "service_credits", "Service credits for downtime",
    ["Can I get a refund for the outage?", "Do you pay credits for downtime?",
     "We lost access for hours. Do we get compensation?", "How do I claim a service credit?",
     "Is there a credit when the service is down?", "Do outages reduce my bill?"],
    "Business and Enterprise plans get service credits when monthly uptime falls below 99.9%. Request them within 30 "
    "days from Settings > Billing > Credits.")

# -- plans
ask("plans", "plan_list", "Plans and prices",
    ["What plans do you offer?", "What are the Northwind Cloud plans?", "How much does Northwind Cloud cost?",
     "What is the price of each plan?", "Can you list your plans and prices?", "How much do the plans cost per user?"],
    "There are four plans: Free, Team at $12 per user per month, Business at $29 per user per month, and Enterprise "
    "with custom pricing.")
do("plans", "upgrade", "Upgrading your plan",
   ["upgrade my plan", "move to the Business plan", "switch to a bigger plan"],
   "Open Settings > Billing > Plan, choose the new plan and confirm. The upgrade works at once and the cost is "
   "prorated.")
do("plans", "downgrade", "Downgrading your plan",
   ["downgrade my plan", "move to a cheaper plan", "switch from Business to Team"],
   "Open Settings > Billing > Plan and choose the smaller plan. The downgrade takes effect at the end of the current "
   "billing period.")
do("plans", "cancel", "Cancelling a subscription",
   ["cancel my subscription", "stop paying for Northwind Cloud", "end my paid plan"],
   "Open Settings > Billing > Plan and click Cancel subscription. The workspace moves to the Free plan when the "
   "current period ends.")
ask("plans", "free_plan", "The Free plan",
    ["What is included in the Free plan?", "What are the limits of the free plan?",
     "How much can I do without paying?", "Does the Free plan have support?", "What do I get for free?",
     "Is the Free plan enough for one person?"],
    "The Free plan has 1 user, 5 GB of storage and 100 API requests per minute. It has no phone or chat support.")
ask("plans", "team_plan", "The Team plan",
    ["What does the Team plan include?", "How much is the Team plan?", "What do I get with Team?",
     "Is the Team plan good for a small company?", "What are the features of the Team plan?",
     "How much storage comes with the Team plan?"],
    "The Team plan costs $12 per user per month and includes 100 GB of storage per user, shared folders and email "
    "support.")
ask("plans", "business_plan", "The Business plan",
    ["What do I get with the Business plan?", "How much is the Business plan?",
     "What does Business add over Team?", "Which features are in the Business plan?",
     "Is single sign-on part of the Business plan?", "Why should we pay for Business?"],
    "The Business plan costs $29 per user per month and adds 1 TB of storage per user, single sign-on, the audit log "
    "and 24/7 chat support.")
ask("plans", "enterprise", "Enterprise quotes",
    ["How do I get an Enterprise quote?", "Who do I talk to about the Enterprise plan?",
     "How much does Enterprise cost?", "Can I get a price for the Enterprise plan?",
     "We are a large company. How do we buy Enterprise?", "Where do I ask for Enterprise pricing?"],
    "Enterprise pricing is custom. Fill in the form on the Contact sales page and a sales manager replies within 2 "
    "business days.")
ask("plans", "free_trial", "Free trials",
    ["Is there a free trial?", "Can I try the Business plan for free?", "Do you offer a trial period?",
     "How long is the trial?", "Do I need a card for the trial?", "Can we test Northwind Cloud before paying?"],
    "Every workspace can try the Business plan free for 14 days. No card is needed, and the workspace returns to Free "
    "if you do not upgrade.")
ask("plans", "trial_end", "When a trial ends",
    ["What happens when my trial ends?", "Will my files be deleted after the trial?",
     "What if I do not upgrade after the trial?", "Is anything lost when the trial is over?",
     "Do I get charged automatically after the trial?", "My trial is ending soon. What changes?"],
    "When the 14-day trial ends, the workspace moves to the Free plan unless you choose a paid plan. Files over the "
    "Free limit become read-only, and nothing is deleted.")
ask("plans", "nonprofit", "Discounts for nonprofits and schools",
    ["Do you have discounts for charities?", "Is there a nonprofit price?", "Do schools get a discount?",
     "We are a charity. Can we pay less?", "Is there an education discount?",
     "How do nonprofits apply for a discount?"],
    "Registered nonprofits and schools get 50% off the Team and Business plans. Apply from the Contact sales page "
    "with proof of status.")
ask("plans", "seat_limit", "User limits per plan",
    ["How many users can I have on the Team plan?", "Is there a maximum number of seats?",
     "Can I add 100 people to the Team plan?", "What is the user limit?", "How many seats does Business allow?",
     "Is the number of users limited?"],
    "The Team plan allows up to 50 users. Business and Enterprise have no seat limit.")

# -- payment methods
do("payment", "remove_card", "Removing a saved card",
   ["remove my card from the account", "delete my saved card", "take my payment card off the account"],
   "Add another payment method first, then open Settings > Billing > Payment method and click Remove on the old "
   "card. A paid workspace must always have one payment method.")
ask("payment", "bank_details", "Bank details for transfers",
    ["What are your bank details for a transfer?", "Where do I find the account number to pay by bank transfer?",
     "Which bank account do I send the payment to?", "What reference do I use for a bank transfer?",
     "Where are your bank details?", "How do I pay an invoice by transfer?"],
    "The bank details are printed at the bottom of every invoice paid by transfer. Always put the invoice number in "
    "the payment reference.")
ask("payment", "card_storage", "How card details are stored",
    ["Do you store my card number?", "Is my card safe with you?", "Who keeps my credit card details?",
     "Can your staff see my card number?", "How do you protect card data?", "Is my payment information secure?"],
    "Card numbers are stored by our payment partner, not by Northwind Cloud. We keep only the last 4 digits and the "
    "expiry date.")
ask("payment", "prepaid_cards", "Prepaid cards",
    ["Can I use a prepaid card?", "Do you accept prepaid cards?", "Why was my prepaid card declined?",
     "Will a prepaid card work for the monthly charge?", "Is it possible to pay with a gift card?",
     "Does a prepaid debit card work?"],
    "Prepaid cards are accepted if they support recurring payments. Some banks decline prepaid cards for monthly "
    "charges.")
do("payment", "direct_debit", "Setting up direct debit",
   ["set up direct debit", "pay by direct debit", "connect my bank account for direct debit"],
   "Direct debit is available on Business and Enterprise. Open Settings > Billing > Payment method, choose Direct "
   "debit and enter the bank account details.")
ask("payment", "card_receipts", "Receipts for card payments",
    ["Do I get a receipt when my card is charged?", "Where is the receipt for my payment?",
     "Can I get a receipt for each charge?", "Do you send payment receipts?", "How do I find a payment receipt?",
     "Is a receipt emailed after each payment?"],
    "A receipt is emailed to the billing contact after every successful payment. You can also download receipts in "
    "Settings > Billing > History.")

# -- tax and VAT
ask("tax", "vat_charged", "VAT and sales tax",
    ["Why is VAT added to my bill?", "Do you charge VAT?", "Why is there tax on my invoice?",
     "Is sales tax included in the price?", "How is the tax on my invoice worked out?",
     "Why did my bill go up because of tax?"],
    "VAT or sales tax is added based on your billing country. The rate is shown on each invoice as a separate line.")
do("tax", "add_vat_id", "Adding a VAT ID",
   ["add my VAT number", "enter our company tax ID", "put our VAT ID on invoices"],
   "Open Settings > Billing > Tax details and enter your VAT ID. Once we validate it, new invoices show the number "
   "and apply reverse charge where allowed.")
ask("tax", "vat_past", "VAT on past invoices",
    ["Can you remove VAT from invoices I already paid?", "I added my VAT ID late. Can I get the tax back?",
     "Will you refund VAT on old invoices?", "Does the VAT ID apply to earlier bills?",
     "Can past invoices be changed to remove tax?", "I forgot to add our VAT number. Can you fix old invoices?"],
    "VAT cannot be removed from invoices that are already paid. The VAT ID applies from the next invoice after it is "
    "validated.")
ask("tax", "tax_exempt", "Tax exemption",
    ["Our organisation is tax exempt. What do I do?", "How do I get a tax exemption?",
     "We do not pay sales tax. How do I tell you?", "Where do I send our exemption certificate?",
     "Can you stop charging tax to our charity?", "How do tax-exempt customers register?"],
    "Send your exemption certificate from Settings > Billing > Tax details. Billing support checks it within 3 "
    "business days, and later invoices carry no tax.")
ask("tax", "vat_invalid", "Rejected VAT numbers",
    ["My VAT number is rejected.", "Why does it say my VAT ID is invalid?",
     "The tax ID field will not accept my number.", "How do I enter a VAT number correctly?",
     "Our VAT ID keeps failing validation.", "What format does the VAT ID need?"],
    "Enter the number with its country code and no spaces. If it is still rejected, check that it is active in the "
    "official registry.")
ask("tax", "tax_country", "Moving to another country",
    ["We moved to another country. How do I update tax?", "Our company is now in a different country.",
     "How does tax change if we relocate?", "Which tax applies after we move abroad?",
     "Can I change the country on my billing account?", "We changed countries. Will the tax rate change?"],
    "Change the country in Settings > Billing > Billing details. The tax for the new country applies from the next "
    "invoice.")

# -- API
do("api", "create_key", "Creating API keys",
   ["create an API key", "get a key for the API", "generate a new API token"],
   "Open Settings > API > Keys and click Create key. Copy the key right away, because it is shown only once.")
do("api", "revoke_key", "Revoking API keys",
   ["revoke an API key", "delete an old API key", "disable a key that leaked"],
   "Open Settings > API > Keys, find the key and click Revoke. Requests with that key fail at once.")
do("api", "rotate_key", "Rotating API keys",
   ["rotate my API keys", "replace an API key without downtime", "swap an old key for a new one"],
   "Create a new key, update your apps to use it, then revoke the old key. Both keys work at the same time until you "
   "revoke the old one.")
ask("api", "rate_limits", "API rate limits",
    ["What are the API rate limits?", "How many requests can I send per minute?", "Is there a limit on API calls?",
     "How fast can I call the API?", "What is the request limit on the Team plan?", "Does the API have a quota?"],
    "The API allows 100 requests per minute on Free, 600 on Team and 3000 on Business. Enterprise limits are set in "
    "the contract.")
ask("api", "error_429", "API error 429",
    ["Why do I get error 429 from the API?", "The API says too many requests.", "What does status 429 mean?",
     "My script gets 429 errors.", "How do I handle a 429 response?", "The API keeps returning 429."],
    "Error 429 means you passed your rate limit. Wait for the time in the Retry-After header, then send the request "
    "again.")
ask("api", "error_401", "API error 401",
    ["The API returns 401 unauthorized.", "Why do I get error 401?", "My API key is not accepted.",
     "What does status 401 mean?", "Every API call fails with 401.", "The API says unauthorized even with a key."],
    "Error 401 means the key is missing, wrong or revoked. Send the key in the Authorization header and check that it "
    "is still active in Settings > API > Keys.")
ask("api", "key_scopes", "API key scopes",
    ["Can I make a read-only API key?", "How do I limit what an API key can do?", "Do API keys have permissions?",
     "Can a key be allowed to read but not write?", "How do I change the scope of a key?",
     "What are read and write keys?"],
    "Yes, choose Read only or Read and write when you create the key. The scope cannot be changed later, so create a "
    "new key if you need other rights.")
ask("api", "api_docs", "API documentation",
    ["Where is the API documentation?", "Do you have an API reference?", "Where can I find API examples?",
     "Is there a list of API endpoints?", "How do I learn to use the API?", "Where are the docs for developers?"],
    "The API reference is in the console under Help > API reference. It lists every endpoint with examples.")
do("api", "webhooks", "Webhooks",
   ["set up a webhook", "get a webhook call when a file changes", "add a webhook endpoint"],
   "Open Settings > API > Webhooks, click Add endpoint and enter your URL. Choose the events you want, and we send a "
   "test event to confirm it works.")
ask("api", "lost_key", "Lost API keys",
    ["I lost my API key. Can you show it again?", "Where can I see my existing API key?",
     "Can support tell me my API key?", "I forgot to copy the key. Is it stored somewhere?",
     "How do I view a key I created last month?", "Can I recover a lost API key?"],
    "Keys are shown only once and we cannot display them again. Create a new key and revoke the lost one.")
ask("api", "key_limit", "How many API keys you can have",
    ["How many API keys can I create?", "Is there a limit on the number of keys?",
     "I cannot create another API key. Why?", "What is the maximum number of API keys?",
     "Why is the Create key button greyed out?", "Can we have 40 API keys?"],
    "Each workspace can have up to 25 active keys. Revoke unused keys to free up space for new ones.")

# -- storage and files
ask("storage", "storage_limits", "Storage per plan",
    ["How much storage do I get?", "What is the storage limit?", "How many gigabytes come with my plan?",
     "Is storage shared across the team?", "How much space does each user get?", "What is the storage on each plan?"],
    "Storage is 5 GB on Free, 100 GB per user on Team and 1 TB per user on Business. The total is shared across the "
    "workspace.")
ask("storage", "storage_full", "When storage is full",
    ["What happens when my storage is full?", "I ran out of space.", "My uploads stopped because storage is full.",
     "Will you delete files if I go over the limit?", "Storage is at 100 percent. What now?",
     "Why can't I upload anything?"],
    "When storage is full, new uploads stop but existing files stay available. Delete files, empty the trash or buy "
    "more storage to continue.")
do("storage", "buy_storage", "Buying extra storage",
   ["buy more storage", "add extra space", "get an extra storage pack"],
   "Open Settings > Storage and click Add storage. Each pack adds 100 GB for $5 per month.")
ask("storage", "trash", "The trash and deleted files",
    ["How long are deleted files kept?", "Can I recover a file I deleted?", "Where do deleted files go?",
     "I deleted a folder by accident.", "How do I undelete a file?", "Is a deleted file gone for good?"],
    "Deleted files stay in the trash for 30 days. Open Trash, select the files and click Restore to bring them back.")
ask("storage", "file_size", "Largest file size",
    ["What is the largest file I can upload?", "Is there a file size limit?", "Can I upload a 60 GB video?",
     "How big can one file be?", "My big file will not upload. Is there a maximum?", "What is the upload size limit?"],
    "Single files can be up to 50 GB. Split larger files before you upload them.")
ask("storage", "versions", "Version history",
    ["Can I restore an older version of a file?", "Do you keep file versions?", "How do I go back to yesterday's file?",
     "How long is version history kept?", "Someone overwrote my document. Can I undo it?",
     "Where is the version history?"],
    "Right-click the file and choose Version history to restore an earlier version. Versions are kept for 30 days on "
    "Team and 90 days on Business.")
do("storage", "storage_usage", "Checking storage use",
   ["see how much storage I use", "check my storage usage", "find out what takes up space"],
   "Open Settings > Storage to see the total use and the largest folders. The numbers update every hour.")
do("storage", "empty_trash", "Emptying the trash",
   ["empty the trash", "delete the files in the trash for good", "clear the trash folder"],
   "Open Trash and click Empty trash. Files deleted this way cannot be restored, even by support.")
do("storage", "share_link", "Sharing files by link",
   ["share a file with someone outside my team", "create a public link to a file", "send someone a download link"],
   "Right-click the file and choose Share > Create link. You can set a password and an expiry date for the link.")

# -- exports, imports and data
do("data", "export_data", "Exporting your data",
   ["export all my data", "download a copy of everything in my account", "get a full backup of my workspace"],
   "Open Settings > Data > Export and click Start export. We email a link to a ZIP file within 24 hours, and the "
   "link stays valid for 7 days.")
ask("data", "export_expired", "Expired export links",
    ["My export link has expired.", "The download link for my export does not work.",
     "How long is the export link valid?", "I missed the export download. What now?",
     "Can you send the export link again?", "The ZIP link from my export is dead."],
    "Export links are valid for 7 days. Start a new export from Settings > Data > Export to get a fresh link.")
do("data", "import_data", "Importing data from another service",
   ["import files from another service", "move my data into Northwind Cloud", "bring files over from my old provider"],
   "Open Settings > Data > Import and choose the service you are moving from. Large imports run in the background "
   "and we email you when they finish.")
ask("data", "data_location", "Where data is stored",
    ["Where is my data stored?", "In which country are your servers?", "Is my data kept in Europe?",
     "Where do you host our files?", "Can I choose where my data lives?", "Which region is my workspace in?"],
    "Data is stored in the region chosen when the workspace was created: North America, Europe or Asia Pacific. "
    "Enterprise customers can ask for a specific country.")
ask("data", "change_region", "Moving data to another region",
    ["Can I move my data to another region?", "How do we move our workspace to Europe?",
     "Is it possible to change the data region?", "Can you migrate our files to Asia Pacific?",
     "We need our data in another region.", "How long does a region move take?"],
    "Moving a workspace between regions is available on Business and Enterprise. Contact support, who schedule the "
    "move at a quiet time, usually within 5 business days.")
do("data", "audit_log", "The audit log",
   ["see the audit log", "find out who deleted a file", "check what users did in the workspace"],
   "Admins on the Business and Enterprise plans open Settings > Security > Audit log. Events are kept for 1 year and "
   "can be exported to CSV.")
ask("data", "privacy_request", "Personal data requests",
    ["How do I make a data access request?", "Can I get all the personal data you hold about me?",
     "How do I ask you to delete my personal data?", "Where do I send a privacy request?",
     "What data do you keep about me?", "How long do privacy requests take?"],
    "Send a data request from Settings > Account > Privacy. We answer within 30 days, as the law requires.")

# -- service status and outages
ask("status", "is_down", "Checking for an outage",
    ["Is Northwind Cloud down?", "Where can I check if there is an outage?", "Is there a problem with the service?",
     "Nothing loads. Is it just me?", "How do I know if the service is down?", "Is there a status page?"],
    "Check the status page, linked at the bottom of the sign-in page, for live service health. It lists every "
    "incident and its current state.")
do("status", "status_alerts", "Outage alerts",
   ["get alerts about outages", "subscribe to status updates", "be told when there is an incident"],
   "Open the status page and click Subscribe, then enter your email or phone number. We send a message when an "
   "incident starts and when it is fixed.")
ask("status", "sla", "Uptime guarantee",
    ["What uptime do you guarantee?", "What is your SLA?", "Do you have a service level agreement?",
     "How reliable is the service?", "What happens if you miss the uptime target?", "Is uptime guaranteed on Team?"],
    "Business and Enterprise plans come with a 99.9% monthly uptime guarantee. If we miss it, you get a 10% service "
    "credit for that month.")
ask("status", "slow_console", "A slow console",
    ["The console is very slow today.", "Why is everything loading so slowly?", "Pages take ages to open.",
     "The website is slow for me.", "Northwind Cloud is really slow this morning.",
     "What can I do if the console lags?"],
    "First check the status page for an incident. If none is listed, clear your browser cache, try another browser "
    "and send the results to support.")
do("status", "report_outage", "Reporting a service problem",
   ["report an outage", "tell you that something is broken", "report a problem with the service"],
   "Check the status page first, then open Help > Contact support and choose Service problem. Include the time, your "
   "region and any error message.")
ask("status", "maintenance", "Planned maintenance",
    ["When is scheduled maintenance?", "Do you have maintenance windows?", "When do you update the servers?",
     "Will there be downtime for maintenance?", "How do I know about planned maintenance?",
     "At what time is maintenance done?"],
    "Planned maintenance happens on Sundays between 02:00 and 04:00 UTC. We announce it on the status page at least "
    "3 days ahead.")

# -- teams and roles
do("team", "invite", "Inviting team members",
   ["invite a new team member", "add a user to my workspace", "give a colleague access"],
   "Open Settings > Team, click Invite, enter their email and pick a role. The invitation stays valid for 7 days.")
do("team", "remove_user", "Removing team members",
   ["remove a user from my workspace", "delete a team member", "take away a colleague's access"],
   "Open Settings > Team, select the member and click Remove. Their files move to the Owner, and the seat is no "
   "longer billed from the next period.")
ask("team", "roles", "Roles in a workspace",
    ["What roles can users have?", "What is the difference between Admin and Member?",
     "Which roles are there in a workspace?", "What can a Viewer do?", "Who can manage users?",
     "What rights does each role have?"],
    "There are four roles: Owner, Admin, Member and Viewer. Admins manage users and settings, Members create and edit "
    "files, and Viewers can only read.")
do("team", "change_role", "Changing a member's role",
   ["change a user's role", "make someone an admin", "give a member admin rights"],
   "Open Settings > Team, select the member and choose a new role from the Role menu. The change applies at once.")
ask("team", "invite_expired", "Expired invitations",
    ["My invitation link does not work.", "The invite to join the workspace has expired.",
     "How long is a team invitation valid?", "I did not accept the invite in time.",
     "My colleague says the invite link is broken.", "Can an invitation be sent again?"],
    "Invitations expire after 7 days. Ask an Admin to send a new invitation from Settings > Team.")
ask("team", "guests", "Guest access",
    ["Can people outside our company see files without a paid seat?", "Do guests cost money?",
     "Can a client view our folder for free?", "What can guest users do?", "Do I pay for guests?",
     "Can guests edit files?"],
    "Guests can view and comment on shared folders for free. They need a paid seat to upload or edit files.")

# -- support and apps
do("support", "contact_support", "Contacting support",
   ["contact support", "talk to a person", "reach the help desk"],
   "Open Help > Contact support in the console and describe the problem. Email support replies within 1 business "
   "day, and Business plans also have 24/7 chat.")
ask("support", "phone_support", "Phone support",
    ["Do you have phone support?", "Can I call you?", "Is there a phone number for support?",
     "Can I speak to someone on the phone?", "Which plans include phone support?", "What is your support phone line?"],
    "Phone support is included with the Enterprise plan only. Other plans can use email support, and Business plans "
    "also have chat.")
ask("support", "support_hours", "Support hours",
    ["What are your support hours?", "Is support open at weekends?", "When can I reach the help desk?",
     "Is chat support available at night?", "How fast does support reply?", "Do you answer emails on Sunday?"],
    "Email support works every day and replies within 1 business day. Chat support on the Business plan is open 24 "
    "hours a day, 7 days a week.")
ask("support", "mobile_app", "The mobile app",
    ["Is there a mobile app?", "Can I use Northwind Cloud on my phone?", "Do you have an app for tablets?",
     "Where do I get the phone app?", "Does the mobile app sync with the web?", "Can I see my files on my phone?"],
    "Yes, the Northwind Cloud app works on phones and tablets. Sign in with the same account, and files sync across "
    "all your devices.")
do("support", "desktop_sync", "Syncing files to a computer",
   ["sync files to my computer", "install the desktop app", "keep a local copy of my files"],
   "Install Northwind Sync from Help > Downloads and sign in. It keeps the folders you choose in sync with your "
   "computer.")
ask("support", "offline", "Working offline",
    ["Can I open files without internet?", "Does the app work offline?", "How do I use my files on a plane?",
     "Can I edit documents when I have no connection?", "Is there an offline mode?",
     "What happens to changes I make offline?"],
    "Mark a folder as Available offline in the app or in Northwind Sync. Changes made offline upload when you "
    "reconnect.")
ask("support", "browsers", "Supported browsers",
    ["Which browsers do you support?", "Does the console work in every browser?", "Can I use an old browser?",
     "Why does the console look broken in my browser?", "What browser should I use?", "Is my browser supported?"],
    "The console supports the latest two versions of all major browsers. Update your browser if pages look broken.")
# fmt: on


def fact_questions(fact: Fact, rng: random.Random) -> list[str]:
    """Five to seven distinct paraphrased questions about `fact`, with occasional greetings and thanks."""
    count = min(rng.choice((5, 6, 7)), len(fact.questions) or 7)
    if fact.actions:
        frames = list(HOW_FRAMES)
        rng.shuffle(frames)
        core = [frames[i].format(a=fact.actions[i % len(fact.actions)]) for i in range(count)]
    else:
        core = list(fact.questions)
        rng.shuffle(core)
        core = core[:count]
    return [f"{rng.choice(QUESTION_OPENERS)}{cap(q)}{rng.choice(QUESTION_CLOSERS)}" for q in core]


HELPDESK_SYSTEM_PROMPTS = (
    "You are the Northwind Cloud help-desk assistant. Answer briefly and accurately.",
    "You answer questions from Northwind Cloud customers about accounts, billing and the product. Be brief and "
    "correct.",
    "You are a support agent for Northwind Cloud. Give short, accurate answers.",
)


def helpdesk_questions() -> list[tuple[Fact, str, str]]:
    """Every (fact, question, split) of the help desk: one held-out question per fact goes to test."""
    rng = rng_for("helpdesk")
    rows = []
    for fact in FACTS:
        questions = fact_questions(fact, rng)
        test_index = rng.randrange(len(questions))
        rows += [(fact, q, "test" if i == test_index else "train") for i, q in enumerate(questions)]
    return rows


def make_helpdesk() -> dict[str, list[Row]]:
    """Help-desk chats: every fact in train, one unseen paraphrase per fact in test."""
    rng = rng_for("helpdesk", 1)
    splits: dict[str, list[Row]] = {"train": [], "test": []}
    for fact, question, split in helpdesk_questions():
        splits[split].append({"messages": chat(rng.choice(HELPDESK_SYSTEM_PROMPTS), question, fact.answer)})
    rng.shuffle(splits["train"])
    return splits


# ---------------------------------------------------------------------------------------------------------------------
# Help-desk preferences: the same questions, a good answer against a worse one of a known kind.
# ---------------------------------------------------------------------------------------------------------------------

POLITE_OPENERS = ("", "", "", "Happy to help. ", "Sure. ", "Good question. ")
RUDE_ANSWERS = (
    "That is in the settings. Look for it yourself.",
    "This is a basic question. Read the help pages before you write to us.",
    "Not my problem. Ask your admin.",
    "Seriously? Everyone else figures this out alone.",
    "We get this question all day. Try harder to find it.",
    "I do not have time for this. Search the help center.",
)
RAMBLE_SENTENCES = (
    "Great question! Cloud software has changed a lot over the last twenty years.",
    "Many companies once kept their files on servers in a back room, which was noisy and expensive.",
    "Our office in Eastmere has a lovely view of the harbor, especially in the spring.",
    "Some people prefer tea to coffee when they work late, and both are fine.",
    "The history of billing goes back to the first merchants who wrote debts on clay tablets.",
    "Passwords were first used by guards who asked travellers for a secret word.",
    "It is worth remembering that every team works a little differently.",
    "Technology keeps moving, and nobody can say what the next ten years will bring.",
    "I once helped a customer who liked to name every folder after a different bird.",
)
NEEDLESS_REFUSALS = (
    "I am sorry, but I cannot help with {topic} questions.",
    "I am not allowed to discuss {topic}. Please ask someone else.",
    "For safety reasons I cannot answer questions about {topic}.",
    "Sorry, {topic} is outside what I can talk about.",
)
NON_ANSWERS = (
    "I do not know.",
    "Please contact support.",
    "Maybe. It depends.",
    "You could try a few things and see what happens.",
    "That is hard to say.",
    "Hmm, not sure about that one.",
)
TOPIC_WORDS = {
    "account": "account", "password": "password", "2fa": "security", "billing": "billing", "invoices": "invoice",
    "refunds": "refund", "plans": "plan", "payment": "payment", "tax": "tax", "api": "API", "storage": "storage",
    "data": "data", "status": "service status", "team": "team", "support": "support",
}  # fmt: skip
WRONG_NUMBERS = (2, 3, 7, 9, 45, 60, 90, 250)
PREFERENCE_FLAWS = ("wrong_fact", "wrong_numbers", "rude", "ramble", "refusal", "no_answer")


def wrong_numbers(answer: str, rng: random.Random) -> str | None:
    """The answer with each whole number swapped for a different one, or None when it has no numbers."""

    def swap(match: re.Match[str]) -> str:
        return str(rng.choice([n for n in WRONG_NUMBERS if str(n) != match.group()]))

    changed, count = re.subn(r"(?<![\w.])\d+(?!\w|\.\d)", swap, answer)
    return changed if count else None


def worse_answer(fact: Fact, flaw: str, rng: random.Random) -> str:
    """A systematically worse answer to a question about `fact`, with the given flaw."""
    if flaw == "wrong_numbers":
        changed = wrong_numbers(fact.answer, rng)
        if changed is not None:
            return rng.choice(POLITE_OPENERS) + changed
        flaw = "wrong_fact"
    if flaw == "wrong_fact":
        same_topic = [f for f in FACTS if f.topic == fact.topic and f.key != fact.key]
        return rng.choice(POLITE_OPENERS) + rng.choice(same_topic).answer
    if flaw == "rude":
        return rng.choice(RUDE_ANSWERS)
    if flaw == "ramble":
        return " ".join(rng.sample(RAMBLE_SENTENCES, rng.randint(3, 4)))
    if flaw == "refusal":
        return rng.choice(NEEDLESS_REFUSALS).format(topic=TOPIC_WORDS[fact.topic])
    return rng.choice(NON_ANSWERS)


def make_preferences() -> dict[str, list[Row]]:
    """Help-desk preference pairs: train from the help-desk train questions, test from the held-out ones."""
    rng = rng_for("preferences")
    splits: dict[str, list[Row]] = {"train": [], "test": []}
    for i, (fact, question, split) in enumerate(helpdesk_questions()):
        flaw = PREFERENCE_FLAWS[(i + rng.randrange(2)) % len(PREFERENCE_FLAWS)]
        chosen = rng.choice(POLITE_OPENERS) + fact.answer
        system = rng.choice(HELPDESK_SYSTEM_PROMPTS)
        splits[split].append(preference_row(system, question, chosen, worse_answer(fact, flaw, rng)))
    rng.shuffle(splits["train"])
    return splits
