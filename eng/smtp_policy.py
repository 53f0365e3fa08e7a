"""The test SMTP server's handler: aiosmtpd's Maildir handler plus a recipient policy, like a postfix access map.

Every message is stored in the Maildir given on the command line, except for recipients at these reserved domains
(RFC 2606 .test), which exist so tests can see real SMTP refusals:
  anything@reject.test      550 5.1.1 (permanent: the message goes dead at once)
  anything@defer.test       451 4.3.0 (temporary: retried, every time)
  ADDRESS@defer-once.test   451 4.3.0 the first time an address is seen, then accepted and stored
"""
from aiosmtpd.handlers import Mailbox


class PolicyMailbox(Mailbox):
    def __init__(self, mail_dir, message_class=None):
        super().__init__(mail_dir, message_class)
        self.deferred_once = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "reject.test":
            return "550 5.1.1 <%s>: recipient rejected (test policy)" % address
        if domain == "defer.test":
            return "451 4.3.0 <%s>: try again later (test policy)" % address
        if domain == "defer-once.test" and address.lower() not in self.deferred_once:
            self.deferred_once.add(address.lower())
            return "451 4.3.0 <%s>: try again later, once (test policy)" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
