from attune.errors import Invalid


class WrongPassword(Invalid):
    code = "incorrect_password"
    message = "That password is not correct."
